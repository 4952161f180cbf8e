"""The learner's certificates in the JSON API: GET|POST /api/me/certificates and
DELETE /api/me/certificates/{id}.

Writes go through the services the form uses (services.py), with the same checks; a
refusal answers 422 naming each field by its API name. Another learner's certificate
answers 404 (selectors.certificate_get_for_user).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from courses.models import Course

from . import selectors, services
from .models import EXPIRY_WARNING_DAYS, Certificate

router = Router(tags=["certificates"])

# The services' field names, as the API calls them.
API_FIELDS = {"issued_on": "issued", "expires_on": "expires", "credential_url": "url"}


class CertificateIn(Schema):
    course: str | None = Field(
        None, description="The course id (e.g. P4-A), or null for a free-standing certificate"
    )
    title: str = Field("", max_length=200, description="Left empty, the course's title")
    issued: datetime.date
    expires: datetime.date | None = Field(None, description="Null when it does not expire")
    url: str = Field("", max_length=500, description="The credential's web address")


class CertificateOut(Schema):
    id: int
    course: str | None = Field(description="The course id, or null")
    title: str
    issued: datetime.date
    expires: datetime.date | None
    url: str
    expiry: str = Field(
        description=f"valid, expiring (within {EXPIRY_WARNING_DAYS} days) or expired, as of "
        "the learner's today; renewed when a later certificate renews it (history)"
    )

    @staticmethod
    def from_certificate(certificate: Certificate, *, today: datetime.date) -> dict:
        return {
            "id": certificate.pk,
            "course": certificate.course.code if certificate.course else None,
            "title": certificate.title,
            "issued": certificate.issued_on,
            "expires": certificate.expires_on,
            "url": certificate.credential_url,
            "expiry": selectors.expiry_of(certificate, today=today),
        }


def _refusal(errors: dict[str, list[str]]) -> JsonResponse:
    """422 naming each field, in the shape ninja gives its own validation errors (the
    progress API's refusals too); the services' names become the API's."""
    details = [
        {"type": "value_error", "loc": ["body", "payload", API_FIELDS.get(name, name)], "msg": msg}
        for name, messages in errors.items()
        for msg in messages
    ]
    return JsonResponse({"detail": details}, status=422)


@router.get("/me/certificates", response=list[CertificateOut], summary="My certificates")
def list_certificates(request: HttpRequest):
    today = request.user.local_today()
    return [
        CertificateOut.from_certificate(certificate, today=today)
        for certificate in selectors.certificates_for_user(user=request.user)
    ]


@router.post("/me/certificates", response={201: CertificateOut}, summary="Record a certificate")
def create_certificate(request: HttpRequest, payload: CertificateIn):
    """For a course (which marks it done, as the form does) or free-standing with a title."""
    course = None
    if payload.course:
        # The form's choices: the active catalogue.
        course = Course.objects.filter(code=payload.course, is_active=True).first()
        if course is None:
            return _refusal({"course": [_("This course does not exist.")]})
    try:
        certificate = services.certificate_record(
            user=request.user,
            data=services.CertificateInput(
                title=payload.title,
                course=course,
                issued_on=payload.issued,
                expires_on=payload.expires,
                credential_url=payload.url,
            ),
        )
    except ValidationError as error:
        return _refusal(error.message_dict)
    today = request.user.local_today()
    return Status(201, CertificateOut.from_certificate(certificate, today=today))


@router.delete(
    "/me/certificates/{certificate_id}", response={204: None}, summary="Delete a certificate"
)
def delete_certificate(request: HttpRequest, certificate_id: int):
    certificate = selectors.certificate_get_for_user(
        user=request.user, certificate_id=certificate_id
    )
    services.certificate_delete(certificate=certificate)
    return Status(204, None)
