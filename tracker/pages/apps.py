from django.apps import AppConfig


class PagesConfig(AppConfig):
    """The learner's pages composed of several apps' data (no models)."""

    name = "tracker.pages"
    label = "pages"
