"""Study blocks (issue 20): proposed from the hours left and the date, on study days at the
learner's hour; stored only when accepted; a new plan is proposed (never applied) when the
learner pauses or falls behind; a block ticked off pre-fills a log; the calendar feed
carries accepted blocks as timed events with their TZID, stable UIDs and a SEQUENCE that
goes up when a block moves, read back with `icalendar` across a daylight saving change."""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from tests.factories import make_course, make_user
from tracker.exports.services import calendar_feed_get_or_create
from tracker.progress import blocks, selectors, services, verdicts
from tracker.progress.models import Plan, StudyBlock

D = datetime.date
DAY = datetime.timedelta(days=1)
PARIS = ZoneInfo("Europe/Paris")
# Wednesday 18 March 2026, noon in Paris; clocks go forward on Sunday 29 March.
NOW = datetime.datetime(2026, 3, 18, 12, tzinfo=PARIS)
TODAY = NOW.date()


@pytest.fixture
def learner(db):
    user = make_user("blocks@example.test", language="en", timezone="Europe/Paris")
    course = make_course("BLK-1", hours="12", title="Prompting")
    # 12 h to do by 14 April (28 days from tomorrow, today included: 4 weeks): 3 h a week.
    Plan.objects.create(
        user=user,
        course=course,
        start_date=TODAY - 7 * DAY,
        weekly_hours=Decimal(2),
        target_date=D(2026, 4, 14),
    )
    services.rest_days_set(user=user, days=[5, 6])  # weekends off
    return user


def proposal(user, today=TODAY):
    preference = selectors.study_preference(user=user)
    return selectors.blocks_proposal(user=user, today=today, preference=preference)[1]


@pytest.mark.django_db
def test_blocks_fill_the_hours_needed_on_study_days_at_the_learners_hour(learner):
    with time_machine.travel(NOW, tick=False):
        blocks_ = proposal(learner)
    needed = verdicts.learner_progress(user=learner, today=TODAY).rows[0].verdict
    assert needed.weekly_hours_needed == pytest.approx(3.0, abs=0.1)
    assert all(b.day.weekday() < 5 for b in blocks_)  # never on a rest day
    assert all(b.minutes == 60 for b in blocks_)
    # Each day's first block at the learner's hour (18:00), the next ones right after it.
    by_day: dict = {}
    for b in blocks_:
        by_day.setdefault(b.day, []).append(b.start.hour)
    assert all(hours == list(range(18, 18 + len(hours))) for hours in by_day.values())
    assert all(TODAY < b.day <= D(2026, 4, 14) for b in blocks_)
    assert len(blocks_) == 12  # the 12 hours left, in blocks of an hour
    # A full week's three hours spread over its five study days, not piled up.
    full_week = [b.day for b in blocks_ if D(2026, 3, 23) <= b.day <= D(2026, 3, 29)]
    assert full_week == [D(2026, 3, 23), D(2026, 3, 24), D(2026, 3, 26)]


@pytest.mark.django_db
def test_a_pause_leaves_its_days_empty_and_the_accepted_plan_waits_for_the_learner(learner, client):
    client.force_login(learner)
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("progress:blocks")).content.decode()
        assert "Proposed plan" in page and "Accept this plan" in page
        assert not StudyBlock.objects.exists()  # a proposal is not stored
        client.post(reverse("progress:blocks_accept"))
        accepted = list(StudyBlock.objects.order_by("day", "start"))
        assert len(accepted) == 12
        assert "Accept this plan" not in client.get(reverse("progress:blocks")).content.decode()

        services.pause_create(user=learner, start=D(2026, 3, 23), end=D(2026, 3, 27))
        page = client.get(reverse("progress:blocks")).content.decode()
        assert "A new plan is proposed" in page
        assert "fall on days you are paused" in page
        # Nothing moved by itself.
        assert list(StudyBlock.objects.order_by("day", "start")) == accepted
        assert all(not D(2026, 3, 23) <= b.day <= D(2026, 3, 27) for b in proposal(learner))


@pytest.mark.django_db
def test_accepting_a_new_plan_keeps_the_uids_and_bumps_the_sequence_of_moved_blocks(learner):
    with time_machine.travel(NOW, tick=False):
        first = services.blocks_accept(user=learner, proposal=proposal(learner), today=TODAY)
        ids = sorted(b.pk for b in first)
        services.pause_create(user=learner, start=D(2026, 3, 23), end=D(2026, 3, 27))
        services.blocks_accept(user=learner, proposal=proposal(learner), today=TODAY)
    after = {b.pk: b for b in StudyBlock.objects.all()}
    assert set(after) <= set(ids)  # the same rows (UIDs), none new
    moved = [b for b in after.values() if b.sequence == 1]
    assert moved and all(b.sequence in (0, 1) for b in after.values())
    assert all(not D(2026, 3, 23) <= b.day <= D(2026, 3, 27) for b in after.values())


@pytest.mark.django_db
def test_behind_proposes_a_new_plan(learner, client):
    client.force_login(learner)
    with time_machine.travel(NOW, tick=False):
        services.blocks_accept(user=learner, proposal=proposal(learner), today=TODAY)
    later = NOW + datetime.timedelta(days=14)  # two weeks with nothing logged
    with time_machine.travel(later, tick=False):
        page = client.get(reverse("progress:blocks")).content.decode()
    assert "A new plan is proposed" in page and "You are behind" in page


@pytest.mark.django_db
def test_ticking_a_block_off_prefills_a_log(learner, client):
    client.force_login(learner)
    block = StudyBlock.objects.create(
        user=learner,
        course=Plan.objects.get().course,
        day=TODAY,
        start=datetime.time(18),
        minutes=90,
    )
    response = client.post(reverse("progress:block_done", args=[block.pk]))
    assert response.status_code == 302
    form = client.get(response["Location"]).context["form"]
    assert form.initial["course"] == "BLK-1"
    assert form.initial["date"] == TODAY
    assert form.initial["duration"] == "1h30"
    block.refresh_from_db()
    assert block.ticked
    other = make_user("other@example.test")
    client.force_login(other)
    assert client.post(reverse("progress:block_done", args=[block.pk])).status_code == 404
    assert client.get(reverse("progress:entry_create") + f"?block={block.pk}").status_code == 404


@pytest.mark.django_db
def test_block_settings_refuse_at_the_field(learner, client):
    client.force_login(learner)
    refused = client.post(reverse("progress:block_settings"), {"block_hour": 7, "block_minutes": 5})
    assert refused.status_code == 422
    assert 'id="id_block_minutes_error"' in refused.content.decode()
    saved = client.post(reverse("progress:block_settings"), {"block_hour": 7, "block_minutes": 45})
    assert saved.status_code == 302
    preference = selectors.study_preference(user=learner)
    assert (preference.block_hour, preference.block_minutes) == (7, 45)


@pytest.mark.django_db
def test_the_feed_carries_accepted_blocks_as_timed_events_across_a_dst_change(learner, client):
    with time_machine.travel(NOW, tick=False):
        services.blocks_accept(user=learner, proposal=proposal(learner), today=TODAY)
    url = reverse("exports:calendar", args=[calendar_feed_get_or_create(user=learner).token])
    feed = Calendar.from_ical(client.get(url).content)
    events = [e for e in feed.walk("VEVENT") if str(e["UID"]).startswith("block-")]
    assert len(events) == 12
    [timezone] = feed.walk("VTIMEZONE")
    assert str(timezone["TZID"]) == "Europe/Paris"
    starts = [e.decoded("DTSTART") for e in events]
    assert all(e["DTSTART"].params["TZID"] == "Europe/Paris" for e in events)
    # 18:00 local on both sides of the change: 17:00 UTC before, 16:00 UTC after.
    before = [s for s in starts if s.date() < D(2026, 3, 29)]
    after = [s for s in starts if s.date() > D(2026, 3, 29)]
    assert before and after
    assert {s.hour for s in starts} <= {18, 19}
    # The same local hour on both sides of the change: UTC+1 before, UTC+2 after.
    assert all(s.astimezone(datetime.UTC).hour == s.hour - 1 for s in before)
    assert all(s.astimezone(datetime.UTC).hour == s.hour - 2 for s in after)
    assert all(
        e.decoded("DTEND") - e.decoded("DTSTART") == datetime.timedelta(hours=1) for e in events
    )
    assert {int(e["SEQUENCE"]) for e in events} == {0}
    uids = sorted(str(e["UID"]) for e in events)

    # A pause moves blocks once a new plan is accepted: same UIDs, SEQUENCE 1 for those.
    with time_machine.travel(NOW, tick=False):
        services.pause_create(user=learner, start=D(2026, 3, 23), end=D(2026, 3, 27))
        services.blocks_accept(user=learner, proposal=proposal(learner), today=TODAY)
    again = [
        e
        for e in Calendar.from_ical(client.get(url).content).walk("VEVENT")
        if str(e["UID"]).startswith("block-")
    ]
    assert {str(e["UID"]) for e in again} <= set(uids)
    moved = {str(e["UID"]) for e in again if int(e["SEQUENCE"]) == 1}
    assert moved
    for event in again:
        block = StudyBlock.objects.get(pk=int(str(event["UID"]).split("-")[1].split("@")[0]))
        assert event.decoded("DTSTART") == datetime.datetime.combine(
            block.day, block.start, tzinfo=PARIS
        )


def test_propose_spreads_blocks_evenly():
    days = [D(2026, 3, 23) + n * DAY for n in range(5)]
    picked = [days[(i * len(days)) // 3] for i in range(3)]
    assert picked == [days[0], days[1], days[3]]
    assert blocks.HORIZON_WEEKS == 4
