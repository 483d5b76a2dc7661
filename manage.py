#!/usr/bin/env python
import os
import sys

# Writing migrations reads models only, never secrets, stores or hosts: let it run without
# a deployment's environment (as the settings' development defaults do). Every other
# command keeps the production refusals.
DEVELOPMENT_ONLY_COMMANDS = {"makemigrations"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scrubroom.settings")
    if sys.argv[1:2] and sys.argv[1] in DEVELOPMENT_ONLY_COMMANDS:
        os.environ.setdefault("SCRUBROOM_DEBUG", "1")
    from django.core.management import execute_from_command_line  # noqa: PLC0415

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
