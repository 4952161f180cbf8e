"""Settings of the Celery worker the fault tests start: the project's settings, pointed
at the test process's own database, Redis db 15, a queue of its own and the test mail
backend. Short timings come from the PARCOURS_REMINDERS_* variables the test sets."""

import os

from tracker.settings import *  # noqa: F403
from tracker.settings import DATABASES, INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.reminders_support"]
DATABASES["default"]["NAME"] = os.environ["PARCOURS_TEST_DB_NAME"]
DATABASES["default"]["CONN_MAX_AGE"] = 0
MAILERS = {
    "default": {
        "BACKEND": "tests.reminders_support.mail.ControlledFileBackend",
        "OPTIONS": {"folder": os.environ["PARCOURS_TEST_MAIL_DIR"]},
    }
}
CELERY_TASK_DEFAULT_QUEUE = os.environ["PARCOURS_TEST_QUEUE"]
