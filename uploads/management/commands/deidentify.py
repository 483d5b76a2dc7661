"""`manage.py deidentify IN... --out DIR [--json]`: the production pipeline on files.

Exactly what an upload goes through (the same worker process, limits and encoder), without
redaction. Writes each scrubbed file to DIR under a new name and prints one JSON receipt per
input. Exit status 1 if any input was refused.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from uploads import pipeline
from uploads.scrub import Refused


class Command(BaseCommand):
    help = "Scrub image files with the production pipeline and print a receipt for each."

    def add_arguments(self, parser) -> None:
        parser.add_argument("inputs", nargs="+", help="Image files to scrub.")
        parser.add_argument("--out", required=True, help="Folder for the scrubbed files.")
        parser.add_argument("--json", action="store_true", help="One JSON object per line.")

    def handle(self, *args, **options) -> None:
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        refused = 0
        for index, name in enumerate(options["inputs"], start=1):
            result: dict = {"input": name}
            try:
                data = Path(name).read_bytes()
                scrubbed = pipeline.scrub(data)
            except (Refused, OSError) as error:
                refused += 1
                result["error"] = str(error)
            else:
                extension = "png" if scrubbed.receipt.output_format == "PNG" else "jpg"
                target = out / f"scrubbed-{index:04d}.{extension}"
                target.write_bytes(scrubbed.data)
                receipt = scrubbed.receipt
                result.update(
                    output=str(target),
                    removed=receipt.removed,
                    notes=receipt.notes,
                    format=receipt.format,
                    output_format=receipt.output_format,
                    width=receipt.width,
                    height=receipt.height,
                )
            if options["json"]:
                self.stdout.write(json.dumps(result))
            elif "error" in result:
                self.stdout.write(self.style.ERROR(f"{name}: refused: {result['error']}"))
            else:
                removed = ", ".join(result["removed"]) or "nothing hidden found"
                self.stdout.write(f"{name} -> {result['output']} ({removed})")
        if refused:
            raise CommandError(f"{refused} of {len(options['inputs'])} refused", returncode=1)
