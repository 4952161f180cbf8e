from django.apps import AppConfig


class RemindersSupportConfig(AppConfig):
    name = "tests.reminders_support"
    label = "reminders_support"

    def ready(self) -> None:
        # The worker process runs with this app installed, so it knows the test kind.
        from .kind import register_ping

        register_ping()
