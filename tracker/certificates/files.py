"""What a certificate's file may be: a PDF or an image (PNG, JPEG, WebP), 5 MiB at most.

The type is read from the file's first bytes, not from its name or the browser's
Content-Type (both are the uploader's to choose). Four fixed signatures do not warrant a
dependency (python-magic needs the system's libmagic); the file is never parsed, only
stored and served back to its owner with this type and `nosniff`.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_BYTES = 5 * 1024 * 1024
# (content type, extension, test on the first 16 bytes)
SIGNATURES = [
    ("application/pdf", "pdf", lambda head: head.startswith(b"%PDF-")),
    ("image/png", "png", lambda head: head.startswith(b"\x89PNG\r\n\x1a\n")),
    ("image/jpeg", "jpg", lambda head: head.startswith(b"\xff\xd8\xff")),
    ("image/webp", "webp", lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP"),
]


def check_certificate_file(upload: UploadedFile) -> tuple[str, str]:
    """The (content type, extension) of an acceptable file, else ValidationError."""
    if upload.size > MAX_BYTES:
        raise ValidationError(
            _("The file is too big: %(limit)s at most.") % {"limit": filesizeformat(MAX_BYTES)},
            code="too_big",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for content_type, extension, matches in SIGNATURES:
        if matches(head):
            return content_type, extension
    raise ValidationError(_("Send a PDF or an image (PNG, JPEG or WebP)."), code="file_type")
