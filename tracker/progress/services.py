"""Writes of the progress app. Forms and the API both go through these functions, so the
rules (24 h a day, no future date, the module belongs to the course...) live in one place.

Every function raises django.core.exceptions.ValidationError with a dict of field -> message
when the input is refused; nothing is written in that case.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Min, Q, QuerySet, Sum
from django.db.models.functions import TruncWeek
from django.utils.translation import gettext as _

from courses.models import Course, Module, Phase, Track
from tracker.accounts.models import User
from tracker.xapi import services as xapi_outbox

from .cache import progress_changed
from .durations import check_minutes, format_minutes
from .models import (
    EARLIEST_DATE,
    MAX_MINUTES_PER_DAY,
    NOTE_MAX_LENGTH,
    Enrolment,
    Pause,
    PhaseChoice,
    Plan,
    StudyBlock,
    StudyPreference,
    StudyTotal,
    StudyWeek,
    TimeEntry,
    week_start,
)

MIN_WEEKLY_HOURS = Decimal("0.5")
MAX_WEEKLY_HOURS = Decimal("80")
MAX_PAUSE_DAYS = 366
PAUSE_REASON_MAX_LENGTH = 200


# --- Tracks and choices ---------------------------------------------------------------


def track_join(*, user: User, track: Track) -> Enrolment:
    with transaction.atomic():
        enrolment, created = Enrolment.objects.get_or_create(user=user, track=track)
        if created:
            progress_changed(user_ids=[user.pk])
    return enrolment


def track_join_many(*, users: list[User], track: Track) -> None:
    """track_join for many learners at once (an assigned track): two queries."""
    Enrolment.objects.bulk_create(
        [Enrolment(user=user, track=track) for user in users], ignore_conflicts=True
    )
    progress_changed(user_ids=[user.pk for user in users])


def track_leave(*, user: User, track: Track) -> None:
    """Leave a track. Plans and hours stay: they belong to their courses."""
    with transaction.atomic():
        PhaseChoice.objects.filter(user=user, phase__track=track).delete()
        Enrolment.objects.filter(user=user, track=track).delete()
        progress_changed(user_ids=[user.pk])


@transaction.atomic
def phase_choose(*, user: User, phase: Phase, course: Course) -> PhaseChoice:
    """Choose `course` as the learner's option for `phase` (joining the track if needed).

    A previous choice is replaced. Its plan is dropped only when nothing was logged on it
    and it is not done: hours already logged stay with their course, in the plan.
    """
    if not phase.option_links.filter(course=course).exists():
        raise ValidationError({"course": _("This course is not an option of this phase.")})
    track_join(user=user, track=phase.track)
    previous = PhaseChoice.objects.filter(user=user, phase=phase).first()
    if previous is not None and previous.course_id != course.pk:
        Plan.objects.filter(user=user, course_id=previous.course_id, done_on__isnull=True).exclude(
            course__time_entries__user=user
        ).delete()
    choice, _created = PhaseChoice.objects.update_or_create(
        user=user, phase=phase, defaults={"course": course}
    )
    plan_add(user=user, course=course)
    progress_changed(user_ids=[user.pk])
    return choice


# --- Plans ----------------------------------------------------------------------------


def default_weekly_hours(*, user: User, course: Course) -> Decimal:
    """The course's stated pace, else what the learner said they have each week."""
    pace = course.weekly_hours or user.weekly_hours_available or Decimal(5)
    return min(max(Decimal(pace), MIN_WEEKLY_HOURS), MAX_WEEKLY_HOURS).quantize(Decimal("0.1"))


def plan_add(*, user: User, course: Course) -> Plan:
    """Put a course in the learner's plan (any course, in a track or not). Idempotent."""
    # No savepoint when called inside a write's transaction (every time entry logged):
    # nothing here catches an error, so one would only cost two round trips (issue 14).
    with transaction.atomic(savepoint=False):
        plan, created = Plan.objects.get_or_create(
            user=user, course=course, defaults=_plan_defaults(user=user, course=course)
        )
        if created:
            progress_changed(user_ids=[user.pk])
    return plan


def plan_add_many(*, users: list[User], course: Course) -> None:
    """plan_add for many learners at once (an assigned course): two queries."""
    Plan.objects.bulk_create(
        [
            Plan(user=user, course=course, **_plan_defaults(user=user, course=course))
            for user in users
        ],
        ignore_conflicts=True,
    )
    progress_changed(user_ids=[user.pk for user in users])


def _plan_defaults(*, user: User, course: Course) -> dict:
    return {
        "start_date": user.local_today(),
        "weekly_hours": default_weekly_hours(user=user, course=course),
    }


def plan_remove(*, plan: Plan) -> None:
    """Take a course out of the plan. Its time entries stay (they are history)."""
    with transaction.atomic():
        PhaseChoice.objects.filter(user_id=plan.user_id, course_id=plan.course_id).delete()
        plan.delete()
        progress_changed(user_ids=[plan.user_id])


def plan_update(
    *,
    plan: Plan,
    start_date: datetime.date,
    weekly_hours: Decimal,
    target_date: datetime.date | None,
) -> Plan:
    errors: dict[str, str] = {}
    if start_date < EARLIEST_DATE:
        errors["start_date"] = _("The date cannot be before 2000.")
    if not MIN_WEEKLY_HOURS <= weekly_hours <= MAX_WEEKLY_HOURS:
        errors["weekly_hours"] = _("The weekly pace must be between 0.5 and 80 hours.")
    if target_date is not None and target_date < start_date:
        errors["target_date"] = _("The target date cannot be before the start date.")
    if errors:
        raise ValidationError(errors)
    plan.start_date = start_date
    plan.weekly_hours = weekly_hours
    plan.target_date = target_date
    with transaction.atomic():
        plan.save(update_fields=["start_date", "weekly_hours", "target_date"])
        progress_changed(user_ids=[plan.user_id])
    return plan


def plan_mark_done(
    *,
    plan: Plan,
    done: bool,
    on: datetime.date | None = None,
    source: str = Plan.DoneSource.SELF,
) -> Plan:
    """Mark a plan done (on `on`, default the learner's today) or not done again."""
    if done:
        plan.done_on = on or plan.user.local_today()
        plan.done_source = source
    else:
        plan.done_on = None
        plan.done_source = ""
    with transaction.atomic():
        plan.save(update_fields=["done_on", "done_source"])
        progress_changed(user_ids=[plan.user_id])
        xapi_outbox.outbox_plan_completion(plan=plan)
    return plan


def plan_set_modules(*, plan: Plan, module_ids: list[int]) -> Plan:
    """Replace the set of modules ticked off; only the plan's course's modules count."""
    modules = list(Module.objects.filter(course_id=plan.course_id, pk__in=module_ids))
    if len(modules) != len(set(module_ids)):
        raise ValidationError({"modules": _("Some modules are not part of this course.")})
    with transaction.atomic():
        plan.modules_done.set(modules)
        progress_changed(user_ids=[plan.user_id])
    return plan


# --- Time entries ---------------------------------------------------------------------


def _validate_entry(
    *,
    user: User,
    course: Course,
    date: datetime.date,
    minutes: int,
    module: Module | None,
    note: str,
) -> None:
    errors: dict[str, list] = {}
    today = user.local_today()
    if date > today:
        errors["date"] = [_("The date cannot be after today.")]
    elif date < EARLIEST_DATE:
        errors["date"] = [_("The date cannot be before 2000.")]
    try:
        check_minutes(minutes)
    except ValidationError as exc:
        errors["minutes"] = exc.messages
    if len(note) > NOTE_MAX_LENGTH:
        errors["note"] = [
            _("The note is too long: at most %(max)d characters (it has %(length)d).")
            % {"max": NOTE_MAX_LENGTH, "length": len(note)}
        ]
    if module is not None and module.course_id != course.pk:
        errors["module"] = [_("This module is not part of the course.")]
    if errors:
        raise ValidationError(errors)


def _check_daily_total(
    *, user: User, date: datetime.date, minutes: int, exclude_id: int | None = None
) -> None:
    """At most 24 h on one day, across all the learner's entries.

    Called inside the writing transaction after locking the user's row, so two requests
    adding time to the same day run one after the other and cannot both pass the check
    (on SQLite, IMMEDIATE transactions serialise the writers the same way).
    """
    _lock_learners(user_ids=[user.pk])
    others = TimeEntry.objects.filter(user=user, date=date)
    if exclude_id is not None:
        others = others.exclude(pk=exclude_id)
    already = others.aggregate(total=Sum("minutes"))["total"] or 0
    if already + minutes > MAX_MINUTES_PER_DAY:
        left = max(MAX_MINUTES_PER_DAY - already, 0)
        raise ValidationError(
            {
                "minutes": _(
                    "At most 24 hours can be logged on one day: %(already)s are already "
                    "logged on %(date)s, %(left)s left."
                )
                % {
                    "already": format_minutes(already),
                    "date": date.isoformat(),
                    "left": format_minutes(left),
                }
            }
        )


def time_entry_create(
    *,
    user: User,
    course: Course,
    date: datetime.date,
    minutes: int,
    module: Module | None = None,
    note: str = "",
) -> TimeEntry:
    note = note or ""
    _validate_entry(user=user, course=course, date=date, minutes=minutes, module=module, note=note)
    with transaction.atomic():
        _check_daily_total(user=user, date=date, minutes=minutes)
        entry = TimeEntry.objects.create(
            user=user, course=course, date=date, minutes=minutes, module=module, note=note
        )
        study_weeks_refresh(keys=[_week_key(entry)])
        # Studying a course puts it in the plan, so its hours show in the progress.
        plan_add(user=user, course=course)
        progress_changed(user_ids=[user.pk])
        xapi_outbox.outbox_time_entry_saved(entry=entry)
    return entry


def time_entry_update(
    *,
    entry: TimeEntry,
    course: Course,
    date: datetime.date,
    minutes: int,
    module: Module | None = None,
    note: str = "",
) -> TimeEntry:
    note = note or ""
    user = entry.user
    _validate_entry(user=user, course=course, date=date, minutes=minutes, module=module, note=note)
    with transaction.atomic():
        _check_daily_total(user=user, date=date, minutes=minutes, exclude_id=entry.pk)
        before = _week_key(entry)
        entry.course = course
        entry.date = date
        entry.minutes = minutes
        entry.module = module
        entry.note = note
        entry.save()
        study_weeks_refresh(keys=[before, _week_key(entry)])
        progress_changed(user_ids=[user.pk])
        xapi_outbox.outbox_time_entry_saved(entry=entry)
    return entry


def time_entry_delete(*, entry: TimeEntry) -> None:
    key = _week_key(entry)
    with transaction.atomic():
        _lock_learners(user_ids=[entry.user_id])  # first, as every writer of entries does
        xapi_outbox.outbox_time_entry_deleted(entry=entry)
        entry.delete()
        study_weeks_refresh(keys=[key])
        progress_changed(user_ids=[entry.user_id])


def time_entries_bulk_create(*, entries: list[TimeEntry]) -> list[TimeEntry]:
    """Insert many entries at once (demo data, benches), with their learners' summaries
    rebuilt in the same transaction. No check: the caller makes valid entries."""
    with transaction.atomic():
        created = TimeEntry.objects.bulk_create(entries, batch_size=1000)
        user_ids = {entry.user_id for entry in entries}
        study_weeks_rebuild(user_ids=user_ids)
        progress_changed(user_ids=user_ids)
    return created


# --- Study summaries (StudyWeek, StudyTotal) --------------------------------------------
#
# Each write of entries recomputes the summary rows of the weeks it touched from the
# entries themselves (SUM, MIN and MAX over at most a week of one course, on the
# (user, course, date) index), then those courses' totals from their weeks, after
# locking the learners' rows. Recomputing, rather than adding and subtracting minutes
# with F() expressions, also keeps the first and last day of a week right when an entry
# leaves it, and cannot carry an error forward. The lock is what makes it safe under
# concurrency: every writer of a learner's entries takes it first (the 24-hour check
# already does), so two writers of one learner run one after the other and the second
# one's reads see the first one's committed entries (PostgreSQL's READ COMMITTED takes a
# new snapshot per statement; on SQLite, IMMEDIATE transactions already run writers one
# at a time).

WeekKey = tuple[int, int, datetime.date]  # (user id, course id, Monday of the week)
REBUILD_BATCH = 500  # learners per query: well under SQLite's limit of bound parameters


def _week_key(entry: TimeEntry) -> WeekKey:
    return (entry.user_id, entry.course_id, week_start(entry.date))


def _lock_learners(*, user_ids: Iterable[int]) -> None:
    """Lock the learners' rows until the transaction ends, in id order so that two
    writers of several learners never wait for each other in a cycle."""
    ids = sorted(set(user_ids))
    list(User.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))


def weekly_sums(entries):
    """Minutes, first and last day per (learner, course, week) of these entries."""
    return (
        entries.annotate(week=TruncWeek("date"))
        .values("user_id", "course_id", "week")
        .annotate(minutes=Sum("minutes"), first=Min("date"), last=Max("date"))
        .order_by()
    )


def study_week_of(row: dict) -> StudyWeek:
    week = row["week"]
    if isinstance(week, datetime.datetime):  # TruncWeek of a date is a date; be sure
        week = week.date()
    return StudyWeek(
        user_id=row["user_id"],
        course_id=row["course_id"],
        week_start=week,
        minutes=row["minutes"],
        first_date=row["first"],
        last_date=row["last"],
    )


def study_weeks_refresh(*, keys: Iterable[WeekKey]) -> None:
    """Recompute the summary rows of these (learner, course, week) keys from the entries:
    two or three queries whatever the number of keys (meant for a few). The caller, in
    its transaction, has locked the learners already (_lock_learners: every writer of
    entries does it first), so that two writes of one learner's week run in turn."""
    keys = set(keys)
    if not keys:
        return
    days = Q()
    for user_id, course_id, monday in keys:
        sunday = monday + datetime.timedelta(days=6)
        days |= Q(user_id=user_id, course_id=course_id, date__range=(monday, sunday))
    fresh = [study_week_of(row) for row in weekly_sums(TimeEntry.objects.filter(days))]
    if fresh:
        StudyWeek.objects.bulk_create(
            fresh,
            update_conflicts=True,
            unique_fields=["user", "course", "week_start"],
            update_fields=["minutes", "first_date", "last_date"],
        )
    emptied = keys - {(row.user_id, row.course_id, row.week_start) for row in fresh}
    if emptied:
        gone = Q()
        for user_id, course_id, monday in emptied:
            gone |= Q(user_id=user_id, course_id=course_id, week_start=monday)
        StudyWeek.objects.filter(gone).delete()
    _study_totals_refresh(pairs={(user_id, course_id) for user_id, course_id, _week in keys})


def _study_totals_refresh(*, pairs: set[tuple[int, int]]) -> None:
    """Recompute the StudyTotal rows of these (learner, course) pairs from their weeks,
    just written: two queries whatever the number of pairs (meant for a few)."""
    courses = Q()
    for user_id, course_id in pairs:
        courses |= Q(user_id=user_id, course_id=course_id)
    fresh = study_totals_of(StudyWeek.objects.filter(courses))
    if fresh:
        StudyTotal.objects.bulk_create(
            fresh,
            update_conflicts=True,
            unique_fields=["user", "course"],
            update_fields=["minutes", "first_date", "last_date"],
        )
    if emptied := pairs - {(row.user_id, row.course_id) for row in fresh}:
        gone = Q()
        for user_id, course_id in emptied:
            gone |= Q(user_id=user_id, course_id=course_id)
        StudyTotal.objects.filter(gone).delete()


def study_totals_of(weeks: QuerySet[StudyWeek]) -> list[StudyTotal]:
    """The StudyTotal rows of these weeks (every week of their learners' courses), summed
    by the database (SUM, MIN and MAX per learner and course, on the unique index)."""
    return [
        StudyTotal(**row)
        for row in weeks.values("user_id", "course_id")
        .annotate(minutes=Sum("minutes"), first_date=Min("first_date"), last_date=Max("last_date"))
        .order_by()
    ]


def study_weeks_rebuild(*, user_ids: Iterable[int]) -> int:
    """Recompute all the summary rows of these learners from their entries, weeks and
    totals (bulk inserts, `check_summaries --fix`); answers the number of weeks written."""
    ids = sorted(set(user_ids))
    written = 0
    with transaction.atomic():
        for start in range(0, len(ids), REBUILD_BATCH):
            batch = ids[start : start + REBUILD_BATCH]
            _lock_learners(user_ids=batch)
            StudyWeek.objects.filter(user_id__in=batch).delete()
            StudyTotal.objects.filter(user_id__in=batch).delete()
            entries = TimeEntry.objects.filter(user_id__in=batch)
            rows = [study_week_of(row) for row in weekly_sums(entries)]
            StudyWeek.objects.bulk_create(rows, batch_size=1000)
            totals = study_totals_of(StudyWeek.objects.filter(user_id__in=batch))
            StudyTotal.objects.bulk_create(totals, batch_size=1000)
            written += len(rows)
    return written


# --- Pauses and rest days -------------------------------------------------------------


def pause_create(
    *, user: User, start: datetime.date, end: datetime.date, reason: str = ""
) -> Pause:
    """Declare days off: `start` to `end` included. Refused: end before start, longer than
    a year, before 2000, or overlapping one of the learner's pauses (merge them instead:
    two spans that overlap would count the same day twice)."""
    reason = reason.strip()
    errors: dict[str, str] = {}
    if start < EARLIEST_DATE:
        errors["start"] = _("The date cannot be before 2000.")
    if end < start:
        errors["end"] = _("The end of a pause cannot be before its start.")
    elif (end - start).days + 1 > MAX_PAUSE_DAYS:
        errors["end"] = _("A pause lasts a year at most.")
    if len(reason) > PAUSE_REASON_MAX_LENGTH:
        errors["reason"] = _("The reason is 200 characters at most.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _lock_learners(user_ids=[user.pk])  # two requests cannot both pass the overlap check
        clash = (
            Pause.objects.filter(user=user, start__lte=end, end__gte=start)
            .order_by("start")
            .first()
        )
        if clash is not None:
            raise ValidationError(
                {
                    "start": _("This pause overlaps your pause from %(start)s to %(end)s.")
                    % {"start": clash.start.isoformat(), "end": clash.end.isoformat()}
                }
            )
        pause = Pause.objects.create(user=user, start=start, end=end, reason=reason)
        progress_changed(user_ids=[user.pk])
    return pause


def pause_delete(*, pause: Pause) -> None:
    with transaction.atomic():
        pause.delete()
        progress_changed(user_ids=[pause.user_id])


def rest_days_set(*, user: User, days: Iterable[int]) -> StudyPreference:
    """The learner's weekly rest days (0 = Monday ... 6 = Sunday); at least one day a week
    stays open for study."""
    chosen = sorted({int(day) for day in days})
    if any(not 0 <= day <= 6 for day in chosen):
        raise ValidationError({"rest_days": _("A rest day is a day of the week.")})
    if len(chosen) == 7:
        raise ValidationError({"rest_days": _("Leave at least one day of the week to study.")})
    preference, _created = StudyPreference.objects.update_or_create(
        user=user, defaults={"rest_days": chosen}
    )
    return preference


# --- Study blocks ---------------------------------------------------------------------


def block_settings_set(*, user: User, hour: int, minutes: int) -> StudyPreference:
    errors = {}
    if not 0 <= hour <= 23:
        errors["block_hour"] = _("An hour of the day, from 0 to 23.")
    if not 15 <= minutes <= 240:
        errors["block_minutes"] = _("A block lasts from 15 minutes to 4 hours.")
    if errors:
        raise ValidationError(errors)
    preference, _created = StudyPreference.objects.update_or_create(
        user=user, defaults={"block_hour": hour, "block_minutes": minutes}
    )
    return preference


@transaction.atomic
def blocks_accept(*, user: User, proposal: Iterable, today: datetime.date) -> list[StudyBlock]:
    """Store the plan the learner accepted. The blocks still ahead (from tomorrow, not
    ticked) are matched course by course, in order, to the new ones: a block whose day or
    time changes keeps its row, so its calendar UID, and its SEQUENCE goes up; the ones
    left over are deleted, the new ones created. Past and ticked blocks stay as they are."""
    _lock_learners(user_ids=[user.pk])
    ahead: dict[int, list[StudyBlock]] = {}
    for block in StudyBlock.objects.filter(user=user, day__gt=today, ticked=False).order_by(
        "course_id", "day", "start", "id"
    ):
        ahead.setdefault(block.course_id, []).append(block)
    kept: list[StudyBlock] = []
    new: list[StudyBlock] = []
    for proposed in proposal:
        existing = ahead.get(proposed.course_id)
        if existing:
            block = existing.pop(0)
            if (block.day, block.start, block.minutes) != (
                proposed.day,
                proposed.start,
                proposed.minutes,
            ):
                block.day, block.start, block.minutes = (
                    proposed.day,
                    proposed.start,
                    proposed.minutes,
                )
                block.sequence += 1
                block.save(update_fields=["day", "start", "minutes", "sequence"])
            kept.append(block)
        else:
            new.append(
                StudyBlock(
                    user=user,
                    course_id=proposed.course_id,
                    day=proposed.day,
                    start=proposed.start,
                    minutes=proposed.minutes,
                )
            )
    StudyBlock.objects.filter(pk__in=[b.pk for left in ahead.values() for b in left]).delete()
    return kept + StudyBlock.objects.bulk_create(new)


def block_tick(*, block: StudyBlock) -> StudyBlock:
    block.ticked = True
    block.save(update_fields=["ticked"])
    return block
