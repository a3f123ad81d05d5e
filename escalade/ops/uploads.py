"""Size limits applied while a request body streams in, before anything is stored: the whole
request (ESCALADE_MAX_REQUEST_BYTES, from its Content-Length) and each uploaded file
(ESCALADE_MAX_ATTACHMENT_BYTES, counted chunk by chunk). Installed first in FILE_UPLOAD_HANDLERS,
so Django's own handlers never buffer more than the limit."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler


class UploadTooLarge(RequestDataTooBig):
    """A request or one of its files is over the limit; `message` says which, in bytes, and
    `field` is "attachments" when one file is too large."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class SizeLimitedUploadHandler(FileUploadHandler):
    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        limit = settings.ESCALADE_MAX_REQUEST_BYTES
        if content_length > limit:
            raise UploadTooLarge(f"The request is {content_length:,} bytes; at most {limit:,} bytes are accepted.")
        return None  # carry on with the next handlers

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        limit = settings.ESCALADE_MAX_ATTACHMENT_BYTES
        if self.received > limit:
            raise UploadTooLarge(f"{self.file_name} is larger than {limit:,} bytes, the largest attachment accepted.",
                                 field="attachments")
        return raw_data

    def file_complete(self, file_size: int):
        return None  # the next handler (memory or temporary file) makes the file
