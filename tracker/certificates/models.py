"""Certificates a learner earned: for a catalogue course, or free-standing.

Recording one for a course marks that course's plan done (services.py); the certificate
itself only keeps what the issuer printed on it.
"""

from __future__ import annotations

import datetime
import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# A certificate that expires within this many days is flagged, so there is time to renew.
EXPIRY_WARNING_DAYS = 60


def certificate_file_path(certificate: Certificate, filename: str) -> str:
    """An unguessable name under the owner's folder; the extension is the checked type's
    (files.py), never the uploader's name."""
    extension = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    return f"certificates/{certificate.user_id}/{uuid.uuid4().hex}.{extension}"


class Certificate(models.Model):
    class Expiry(models.TextChoices):
        VALID = "valid", _("valid")
        EXPIRING = "expiring", _("expires soon")
        EXPIRED = "expired", _("expired")
        # History: a later certificate renews this one (selectors.renewed); only the
        # latest validity is flagged.
        RENEWED = "renewed", _("renewed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates"
    )
    # SET_NULL: a course leaving the catalogue must not take the learner's certificate.
    course = models.ForeignKey(
        "courses.Course",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name=_("course"),
    )
    title = models.CharField(_("title"), max_length=200)
    issuer = models.CharField(_("issuer"), max_length=200, blank=True)
    issued_on = models.DateField(_("date issued"))
    expires_on = models.DateField(_("expiry date"), null=True, blank=True)
    credential_id = models.CharField(_("credential ID"), max_length=200, blank=True)
    credential_url = models.URLField(_("credential URL"), max_length=500, blank=True)
    # The certificate's scan (PDF or image), through the storage API; served only by the
    # owner's permission-checked view. Its type was checked from its bytes (files.py).
    file = models.FileField(_("file"), upload_to=certificate_file_path, max_length=255, blank=True)
    file_type = models.CharField(max_length=64, blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        indexes = [models.Index(fields=["user", "expires_on"], name="cert_user_expires")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__isnull=True)
                | models.Q(expires_on__gt=models.F("issued_on")),
                name="certificates_expires_after_issue",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.title}"

    @property
    def linkedin_url(self) -> str:
        """LinkedIn's "add a certification to my profile" link, filled in with the
        certificate's details (the learner reviews them on LinkedIn before saving)."""
        details = {
            "startTask": "CERTIFICATION_NAME",
            "name": self.title,
            "organizationName": self.issuer,
            "issueYear": self.issued_on.year,
            "issueMonth": self.issued_on.month,
        }
        if self.expires_on:
            details |= {
                "expirationYear": self.expires_on.year,
                "expirationMonth": self.expires_on.month,
            }
        if self.credential_url:
            details["certUrl"] = self.credential_url
        if self.credential_id:
            details["certId"] = self.credential_id
        return "https://www.linkedin.com/profile/add?" + urlencode(
            {name: value for name, value in details.items() if value != ""}
        )

    def expiry(self, today: datetime.date) -> str:
        """valid, expiring (within EXPIRY_WARNING_DAYS) or expired, as of `today`."""
        if self.expires_on is None or self.expires_on > today + datetime.timedelta(
            days=EXPIRY_WARNING_DAYS
        ):
            return self.Expiry.VALID
        if self.expires_on < today:
            return self.Expiry.EXPIRED
        return self.Expiry.EXPIRING
