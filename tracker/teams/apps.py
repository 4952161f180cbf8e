from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamsConfig(AppConfig):
    name = "tracker.teams"
    label = "teams"
    verbose_name = _("Teams and assignments")

    def ready(self) -> None:
        from tracker.exports.calendar import register_event_source

        from .calendar import assignment_due_dates

        register_event_source(assignment_due_dates)
