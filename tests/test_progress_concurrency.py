"""Two requests adding time to the same day at once: the 24 h limit still holds."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from tests.factories import make_course, make_user
from tracker.progress import services
from tracker.progress.models import TimeEntry


@pytest.mark.django_db(transaction=True)
def test_concurrent_entries_cannot_exceed_24_hours_on_one_day():
    if connection.vendor != "postgresql":
        pytest.skip("needs a database server that runs the two transactions concurrently")
    user = make_user()
    course = make_course()
    day = datetime.date(2026, 1, 5)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def log():
        try:
            barrier.wait()
            services.time_entry_create(user=user, course=course, date=day, minutes=13 * 60)
            outcomes.append("saved")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=log) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "saved"]
    assert TimeEntry.objects.count() == 1
