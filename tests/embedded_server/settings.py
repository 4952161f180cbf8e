"""Settings of the server that test_embedded_server.py starts with scripts/serve: the
project's, plus a view that counts the requests it runs at once."""

from tracker.settings import *  # noqa: F403

ROOT_URLCONF = "tests.embedded_server.urls"
