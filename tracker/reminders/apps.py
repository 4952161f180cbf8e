from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    name = "tracker.reminders"
    label = "reminders"
    verbose_name = _("Reminders")

    def ready(self) -> None:
        from . import builtin  # noqa: F401 - registers the product's reminder kinds
