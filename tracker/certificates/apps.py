from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "tracker.certificates"
    label = "certificates"
    verbose_name = _("Certificates")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the file clean-up)
