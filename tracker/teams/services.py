"""Writes of the teams app: assignments (with their audit log) and team members.

Every function raises django.core.exceptions.ValidationError with a dict of field ->
message when the input is refused; nothing is written in that case.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import Course, Track
from tracker.accounts.models import Membership, Team, User
from tracker.progress import services as progress_services
from tracker.progress.cache import progress_changed

from .models import NOTE_MAX_LENGTH, Assignment, AssignmentLog

MAX_DUE_IN_DAYS = 3650
BULK_BATCH = 500


def resolve_due_date(
    *, today: datetime.date, due_date: datetime.date | None, due_in_days: int | None
) -> datetime.date:
    """A fixed date, or N days after today; exactly one of them, never in the past."""
    if due_date is not None and due_in_days is not None:
        raise ValidationError({"due_date": _("Give a date or a number of days, not both.")})
    if due_in_days is not None:
        if not 0 <= due_in_days <= MAX_DUE_IN_DAYS:
            raise ValidationError(
                {"due_in_days": _("The number of days must be between 0 and 3650.")}
            )
        return today + datetime.timedelta(days=due_in_days)
    if due_date is None:
        raise ValidationError({"due_date": _("Give a due date or a number of days.")})
    if due_date < today:
        raise ValidationError({"due_date": _("The due date cannot be in the past.")})
    return due_date


def _log_entry(
    *, assignment: Assignment, actor: User, action: str, changes: dict, target: str = ""
) -> AssignmentLog:
    return AssignmentLog(
        team_id=assignment.team_id,
        assignment=assignment,
        actor=actor,
        assignee_id=assignment.assignee_id,
        target=target or assignment.target_code,
        action=action,
        changes=changes,
    )


def _log(*, assignment: Assignment, actor: User, action: str, changes: dict) -> AssignmentLog:
    entry = _log_entry(assignment=assignment, actor=actor, action=action, changes=changes)
    entry.save()
    return entry


def _diff(before: dict, after: dict) -> dict:
    return {
        key: [before.get(key), value] for key, value in after.items() if before.get(key) != value
    }


def _snapshot(assignment: Assignment) -> dict:
    return {
        "due_date": assignment.due_date.isoformat(),
        "note": assignment.note,
        "due_overridden": assignment.due_overridden,
    }


def _check_members(*, team: Team, assignees: list[User]) -> None:
    member_ids = set(
        Membership.objects.filter(team=team, user__in=assignees).values_list("user_id", flat=True)
    )
    outside = [user for user in assignees if user.pk not in member_ids]
    if outside:
        raise ValidationError(
            {
                "assignees": _("Not a member of this team: %(names)s.")
                % {"names": ", ".join(sorted(user.email for user in outside))}
            }
        )


@transaction.atomic
def assignment_assign(
    *,
    actor: User,
    team: Team,
    assignees: list[User],
    track: Track | None = None,
    course: Course | None = None,
    due_date: datetime.date | None = None,
    due_in_days: int | None = None,
    note: str = "",
    today: datetime.date | None = None,
) -> list[Assignment]:
    """Assign a track or a course to members of `team` (upsert per assignee and target).

    Re-assigning changes the due date of every assignee whose date was not set for them
    alone; the note is always updated. An assigned track enrols the learner, who still
    chooses the option of each phase.
    """
    today = today or actor.local_today()
    if (track is None) == (course is None):
        raise ValidationError({"target": _("Choose a track or a course.")})
    if not assignees:
        raise ValidationError({"assignees": _("Choose at least one learner.")})
    if len(note or "") > NOTE_MAX_LENGTH:
        raise ValidationError({"note": _("The note is too long (at most 2000 characters).")})
    due = resolve_due_date(today=today, due_date=due_date, due_in_days=due_in_days)
    assignees = list({user.pk: user for user in assignees}.values())  # each learner once
    _check_members(team=team, assignees=assignees)
    target = {"track": track} if track is not None else {"course": course}
    existing = {
        a.assignee_id: a
        for a in Assignment.objects.select_for_update().filter(assignee__in=assignees, **target)
    }
    # In bulk: a constant number of queries however many learners (a whole team at once).
    code = (track or course).code  # type: ignore[union-attr]
    new, changed, logs, result = [], [], [], []
    now = timezone.now()
    for user in assignees:
        assignment = existing.get(user.pk)
        if assignment is None:
            assignment = Assignment(
                team=team, assignee=user, due_date=due, note=note, assigned_by=actor, **target
            )
            new.append(assignment)
        else:
            before = _snapshot(assignment)
            if not assignment.due_overridden:
                assignment.due_date = due
            assignment.note = note
            assignment.team = team
            changes = _diff(before, _snapshot(assignment))
            if changes:
                assignment.assigned_by = actor
                assignment.updated = now  # bulk_update leaves auto_now fields alone
                changed.append(assignment)
                logs.append((assignment, AssignmentLog.Action.UPDATED, changes))
        result.append(assignment)
    Assignment.objects.bulk_create(new, batch_size=BULK_BATCH)  # sets the new rows' ids
    Assignment.objects.bulk_update(
        changed, ["due_date", "note", "team", "assigned_by", "updated"], batch_size=BULK_BATCH
    )
    logs += [(a, AssignmentLog.Action.CREATED, _diff({}, _snapshot(a))) for a in new]
    AssignmentLog.objects.bulk_create(
        [
            _log_entry(assignment=a, actor=actor, action=act, changes=ch, target=code)
            for a, act, ch in logs
        ],
        batch_size=BULK_BATCH,
    )
    if track is not None:
        progress_services.track_join_many(users=assignees, track=track)
    else:
        progress_services.plan_add_many(users=assignees, course=course)  # type: ignore[arg-type]
    progress_changed(user_ids=[user.pk for user in assignees])
    return result


@transaction.atomic
def assignment_set_individual_due_date(
    *,
    actor: User,
    assignment: Assignment,
    due_date: datetime.date,
    today: datetime.date | None = None,
) -> Assignment:
    """One learner's own due date: later team-wide changes leave it alone."""
    today = today or actor.local_today()
    due = resolve_due_date(today=today, due_date=due_date, due_in_days=None)
    before = _snapshot(assignment)
    assignment.due_date = due
    assignment.due_overridden = True
    changes = _diff(before, _snapshot(assignment))
    if changes:
        assignment.save()
        _log(
            assignment=assignment,
            actor=actor,
            action=AssignmentLog.Action.UPDATED,
            changes=changes,
        )
        progress_changed(user_ids=[assignment.assignee_id])
    return assignment


@transaction.atomic
def assignment_admin_saved(
    *, actor: User, assignment: Assignment, before: Assignment | None
) -> None:
    """An assignment the admin site created or changed (it saves the row itself): record
    it in the team's history like any other change; the learner's progress reads the new
    date from the assignment."""
    if before is None:
        action, changes = AssignmentLog.Action.CREATED, _diff({}, _snapshot(assignment))
    else:
        action, changes = (
            AssignmentLog.Action.UPDATED,
            _diff(_snapshot(before), _snapshot(assignment)),
        )
    if changes:
        _log(assignment=assignment, actor=actor, action=action, changes=changes)
    previous = [before.assignee_id] if before is not None else []
    progress_changed(user_ids=[assignment.assignee_id, *previous])


@transaction.atomic
def assignment_remove(*, actor: User, assignment: Assignment) -> None:
    """Take an assignment back: the learner's progress is judged on their own targets again
    (the due date was never copied into their plans)."""
    _log(
        assignment=assignment,
        actor=actor,
        action=AssignmentLog.Action.REMOVED,
        changes=_diff(_snapshot(assignment), {}),
    )
    assignment.delete()
    progress_changed(user_ids=[assignment.assignee_id])


# --- Members --------------------------------------------------------------------------


def member_add(*, team: Team, email: str) -> User:
    """Add an existing user to the team by email (case-insensitive)."""
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise ValidationError({"email": _("Nobody has this email address.")})
    Membership.objects.get_or_create(team=team, user=user)
    return user


def member_remove(*, team: Team, user: User) -> None:
    """Remove a member; their assignments in this team go too (they are not theirs now)."""
    with transaction.atomic():
        Membership.objects.filter(team=team, user=user).delete()
        Assignment.objects.filter(team=team, assignee=user).delete()
        progress_changed(user_ids=[user.pk])


# --- Demo data ------------------------------------------------------------------------

DEMO_DUE_IN_DAYS = 120


def seed_assignments(*, manager: User, team: Team, track: Track | None) -> int:
    """seed_demo's step: the demo track assigned to every member of the demo team who has
    no assignment of it yet (re-running keeps the dates already given)."""
    if track is None:
        return 0
    assigned = set(Assignment.objects.filter(track=track).values_list("assignee_id", flat=True))
    members = [user for user in team.members.all() if user.pk not in assigned]
    if not members:
        return 0
    return len(
        assignment_assign(
            actor=manager,
            team=team,
            assignees=members,
            track=track,
            due_in_days=DEMO_DUE_IN_DAYS,
            note="Demo: the whole track before the end of the quarter.",
        )
    )
