"""Settings for bench_dashboard.py only: the project's settings plus a baseline view."""

from tracker.settings import *  # noqa: F403
from tracker.settings import BASE_DIR, TEMPLATES

ROOT_URLCONF = "bench.dashboard_urls"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
