"""Files attached to messages: checked before anything is stored, stored all or none."""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from escalade.errors import DomainError
from escalade.tickets.models import Attachment, Message


def check(upload: UploadedFile) -> None:
    """Refuse an attachment that is too large or whose declared content type does not fit its row."""
    limit = settings.ESCALADE_MAX_ATTACHMENT_BYTES
    if upload.size > limit:
        raise DomainError(_("%(name)s is %(size)s bytes; attachments may be at most %(limit)s bytes") % {
            "name": upload.name, "size": number_format(upload.size, force_grouping=True),
            "limit": number_format(limit, force_grouping=True)}, field="attachments")
    content_type = getattr(upload, "content_type", "") or ""
    longest = Attachment._meta.get_field("content_type").max_length
    if len(content_type) > longest:
        raise DomainError(_("%(name)s: its content type is %(length)s characters long; at most %(longest)s are "
                            "accepted") % {"name": upload.name, "longest": longest,
                                           "length": number_format(len(content_type), force_grouping=True)},
                          field="attachments")


def store(message: Message, files: list[UploadedFile]) -> None:
    """Store each file and its row. If one fails, the files already written are deleted, so a
    refused message leaves nothing behind in the media directory."""
    attempted: list[Attachment] = []
    try:
        for upload in files:
            attachment = Attachment(message=message, file=upload, filename=upload.name, size=upload.size,
                                    content_type=getattr(upload, "content_type", "") or "")
            attempted.append(attachment)
            attachment.save()  # writes the file first, then the row
    except Exception:
        for attachment in attempted:
            if getattr(attachment.file, "_committed", False):  # the file reached the storage
                attachment.file.delete(save=False)
        raise
