"""The Celery app. Every periodic schedule of the product is declared here, in one place."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

app = Celery("tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic tasks (beat). Tasks are thin adapters over domain functions.
app.conf.beat_schedule = {}
