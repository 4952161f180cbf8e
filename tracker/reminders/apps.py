from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    name = "tracker.reminders"
    label = "reminders"
    verbose_name = _("Reminders")

    def ready(self) -> None:
        # Registers the product's reminder kinds.
        from . import (  # noqa: F401
            assignment_kinds,
            builtin,
            certificate_kinds,
            notice_emails,
            progress_kinds,
        )
