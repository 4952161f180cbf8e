"""Support for the reminder tests: a test kind, a controllable mail backend, and the
settings a real Celery worker runs with (worker_settings.py)."""
