"""Uploaded files are held in memory only, up to the image limit, never in a temporary file.

Django's default handlers spill uploads over 2.5 MB to /tmp. An original clinical photo
must not be written anywhere durable, not even for the length of a request, so every
upload goes through this handler (settings.FILE_UPLOAD_HANDLERS). A file over the limit is
not kept at all: what reaches the view is an empty file marked `too_large`, so the form
can say why it was refused.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class MemoryOnlyUploadHandler(FileUploadHandler):
    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()
        self.received = 0
        self.limit = settings.SCRUBROOM_UPLOAD_LIMITS["max_bytes"]

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.received += len(raw_data)
        if self.received <= self.limit:
            self.buffer.write(raw_data)
        elif self.buffer.tell():
            self.buffer = io.BytesIO()  # over the limit: drop what was kept
        return None  # consumed here; no later handler sees the bytes

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        too_large = self.received > self.limit
        self.buffer.seek(0)
        uploaded = InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=0 if too_large else file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )
        uploaded.too_large = too_large  # type: ignore[attr-defined]
        uploaded.received = self.received  # type: ignore[attr-defined]
        return uploaded


@contextlib.contextmanager
def contents(uploaded) -> Iterator[memoryview | bytes]:
    """The uploaded bytes without a copy: a view of this handler's buffer, released on
    leaving (Django can then close the file). Other files (tests' SimpleUploadedFile) are
    read as usual."""
    buffer = getattr(uploaded, "file", None)
    if not isinstance(buffer, io.BytesIO):
        yield uploaded.read()
        return
    with buffer.getbuffer() as view:
        yield view
