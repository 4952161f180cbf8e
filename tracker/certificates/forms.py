"""The certificate form reads what people type; the rules live in services.py."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from courses.models import Course

from .models import Certificate
from .services import CertificateInput


class CertificateForm(forms.Form):
    course = forms.ModelChoiceField(
        label=_("Course"),
        queryset=Course.objects.filter(is_active=True).only("code", "title").order_by("code"),
        to_field_name="code",
        required=False,
        empty_label=_("— none (a free-standing certificate) —"),
        help_text=_("Recording a certificate for a course marks the course done."),
        error_messages={"invalid_choice": _("This course does not exist.")},
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Left empty, the course's title is used."),
    )
    issuer = forms.CharField(label=_("Issuer"), max_length=200, required=False)
    issued_on = forms.DateField(
        label=_("Date issued"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a real date (YYYY-MM-DD).")},
    )
    expires_on = forms.DateField(
        label=_("Expiry date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Optional: leave empty if it does not expire."),
        error_messages={"invalid": _("Enter a real date (YYYY-MM-DD).")},
    )
    credential_id = forms.CharField(label=_("Credential ID"), max_length=200, required=False)
    # A CharField: the service checks the address and its scheme, with one message.
    credential_url = forms.CharField(
        label=_("Credential URL"),
        max_length=500,
        required=False,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )

    file = forms.FileField(
        label=_("File (PDF or image)"),
        required=False,
        help_text=_("Optional: the certificate itself, a PDF, PNG, JPEG or WebP of 5 MB at most."),
        # Not ClearableFileInput: it links to the file's public URL, which does not exist
        # (the file is served by a permission-checked view); "remove_file" clears it.
        widget=forms.FileInput(attrs={"accept": "application/pdf,image/png,image/jpeg,image/webp"}),
    )
    remove_file = forms.BooleanField(label=_("Remove the file"), required=False)

    def __init__(self, *args, certificate: Certificate | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if certificate is None or not certificate.file:
            del self.fields["remove_file"]  # nothing to remove
        else:
            self.fields["file"].help_text = _(
                "Current file: %(name)s. Choose another to replace it."
            ) % {"name": certificate.file_name or _("certificate")}

    @classmethod
    def for_certificate(cls, certificate: Certificate, data=None, files=None) -> CertificateForm:
        initial = {
            "course": certificate.course.code if certificate.course else None,
            "title": certificate.title,
            "issuer": certificate.issuer,
            "issued_on": certificate.issued_on,
            "expires_on": certificate.expires_on,
            "credential_id": certificate.credential_id,
            "credential_url": certificate.credential_url,
        }
        return cls(data, files, initial=initial, certificate=certificate)

    def to_input(self) -> CertificateInput:
        return CertificateInput(**{"remove_file": False, **self.cleaned_data})

    def add_service_error(self, error: ValidationError) -> None:
        self.add_error(None, error)
