"""Writes of the teams app: assignments (with their audit log) and team members
(invitations, leaving, removing, direct additions: each in the audit trail).

Every function raises django.core.exceptions.ValidationError with a dict of field ->
message when the input is refused; nothing is written in that case.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from courses.models import Course, Track
from tracker.accounts import audit, throttle
from tracker.accounts.models import AuditEvent, Membership, Team, User
from tracker.progress import services as progress_services
from tracker.progress.cache import progress_changed
from tracker.reminders.notices import notify, notify_many

from .models import NOTE_MAX_LENGTH, Assignment, AssignmentLog, Invitation, target_names_of

logger = logging.getLogger(__name__)
Action = AuditEvent.Action

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
    *,
    assignment: Assignment,
    actor: User,
    action: str,
    changes: dict,
    work: Track | Course | None = None,
) -> AssignmentLog:
    """`work`: the track or course when the caller has it (no query per row); its names
    are kept on the row so that the history reads the same after a rename or deletion."""
    work = work or assignment.target
    return AssignmentLog(
        team_id=assignment.team_id,
        assignment=assignment,
        actor=actor,
        assignee_id=assignment.assignee_id,
        target=work.code,
        target_names=target_names_of(work),
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


def _notice_params(
    assignment: Assignment, actor: User | None, work: Track | Course | None = None, **extra
) -> dict:
    """What an assignment notice is worded from when read (in the learner's language).
    `work`: the track or course when the caller has it (no query per assignment)."""
    work = work or assignment.track or assignment.course
    if isinstance(work, Track):
        names = {"name_fr": work.name_fr, "name_en": work.name_en}
    else:
        names = {"name_fr": work.title, "name_en": ""}
    return {
        **names,
        "code": work.code,
        "due": assignment.due_date.isoformat(),
        "actor": actor.get_full_name() if actor else "",
        **extra,
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
    new, changed, logs, result, notices = [], [], [], [], []
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
            if before["due_date"] != assignment.due_date.isoformat():
                notices.append(
                    (
                        user,
                        "assignment_due_changed",
                        _notice_params(
                            assignment, actor, work=track or course, before=before["due_date"]
                        ),
                    )
                )
        result.append(assignment)
    Assignment.objects.bulk_create(new, batch_size=BULK_BATCH)  # sets the new rows' ids
    Assignment.objects.bulk_update(
        changed, ["due_date", "note", "team", "assigned_by", "updated"], batch_size=BULK_BATCH
    )
    logs += [(a, AssignmentLog.Action.CREATED, _diff({}, _snapshot(a))) for a in new]
    AssignmentLog.objects.bulk_create(
        [
            _log_entry(assignment=a, actor=actor, action=act, changes=ch, work=track or course)
            for a, act, ch in logs
        ],
        batch_size=BULK_BATCH,
    )
    notices += [
        (a.assignee, "assignment_new", _notice_params(a, actor, work=track or course, note=note))
        for a in new
    ]
    notify_many(notices)  # one INSERT, whatever the number of learners
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
        notify(
            assignment.assignee_id,
            "assignment_due_changed",
            **_notice_params(assignment, actor, before=before["due_date"]),
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
    if before is None:
        notify(assignment.assignee_id, "assignment_new", **_notice_params(assignment, actor))
    elif before.due_date != assignment.due_date:
        params = _notice_params(assignment, actor, before=before.due_date.isoformat())
        notify(assignment.assignee_id, "assignment_due_changed", **params)
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
    notify(assignment.assignee_id, "assignment_removed", **_notice_params(assignment, actor))
    assignment.delete()
    progress_changed(user_ids=[assignment.assignee_id])


# --- Members: consent first ------------------------------------------------------------
#
# A manager invites; the person answers. A Membership row is written only when they
# accept, so every read of a team's members (table, CSV, API, heatmap, ratings, member
# pages, summary email, counts, assign form) shows accepted members without a filter to
# forget. Admins, the roster import and the company directory add directly, and the
# person is told (members_joined_directly).


def normalize_email(email: str) -> str:
    return User.objects.normalize_email(email.strip()).lower()


def _manager_names(team: Team) -> list[str]:
    return [m.get_full_name() for m in team.managers.order_by("name", "email")]


def _account_for(email: str) -> User | None:
    """The account of this address, if one is in use (a sign-up never confirmed counts as
    none: its owner has not shown they read this mailbox)."""
    return (
        User.objects.filter(email__iexact=email)
        .exclude(is_active=False, last_login__isnull=True)
        .first()
    )


def invitation_send_email(*, invitation: Invitation, raw_token: str) -> bool:
    """Email the invitation: to an account, a link to answer once logged in; to an
    unknown address, a link to create the account (the token proves the address). In the
    account's language, else the inviter's. False (and logged) when sending failed."""
    user = invitation.user
    if user is not None:
        path = reverse("teams:invitation", args=[invitation.pk])
        language = user.language
    else:
        path = reverse("teams:invitation_signup", args=[raw_token])
        language = translation.get_language() or settings.LANGUAGE_CODE
    context = {
        "invitation": invitation,
        "team": invitation.team.name,
        "inviter": invitation.inviter.get_full_name() if invitation.inviter else "",
        "managers": ", ".join(_manager_names(invitation.team)),
        "has_account": user is not None,
        "link": settings.SITE_URL.rstrip("/") + path,
    }
    with translation.override(language):
        subject = render_to_string("teams/email/invitation_subject.txt", context)
        body = render_to_string("teams/email/invitation_body.txt", context)
    try:
        send_mail(" ".join(subject.split()), body, None, [invitation.email])
    except Exception:  # SMTP, DNS, socket errors alike: the manager can send it again
        logger.exception("could not send the invitation %s", invitation.pk)
        return False
    return True


def invitation_create(*, team: Team, inviter: User, email: str) -> tuple[Invitation, bool]:
    """Invite an address to the team (again, if it is waiting: a new link, a new expiry).

    The answer does not depend on whether the address has an account (no oracle): both
    get an email; an account also gets an in-app notice. Returns the invitation and
    whether its email went out. Refused: an address already in the team, or a manager
    who sent too many invitations this hour (accounts.throttle)."""
    email = normalize_email(email)
    if Membership.objects.filter(team=team, user__email__iexact=email).exists():
        raise ValidationError({"email": _("This person is already a member of the team.")})
    if not throttle.invitation_allowed(manager_id=inviter.pk):
        raise ValidationError(
            {"email": _("You sent many invitations in the last hour: try again later.")}
        )
    try:
        with transaction.atomic():
            invitation = (
                Invitation.objects.select_for_update().pending().filter(team=team, email=email)
            ).first()
            again = invitation is not None
            invitation = invitation or Invitation(team=team, email=email)
            invitation.inviter = inviter
            invitation.user = _account_for(email)
            raw_token = invitation.new_token()
            invitation.save()
            audit.record(
                action=Action.INVITATION_RESENT if again else Action.INVITED,
                actor=inviter,
                email=email,
                team=team,
            )
            if invitation.user is not None:
                notify(
                    invitation.user,
                    "team_invitation",
                    team=team.name,
                    inviter=inviter.get_full_name(),
                    invitation=invitation.pk,
                    expires=invitation.expires_at.date().isoformat(),
                )
    except IntegrityError:  # the same address invited at the same instant by another
        raise ValidationError({"email": _("This address was invited a moment ago.")}) from None
    return invitation, invitation_send_email(invitation=invitation, raw_token=raw_token)


@transaction.atomic
def invitation_cancel(*, invitation: Invitation, actor: User) -> None:
    if invitation.status != Invitation.Status.PENDING:
        return
    invitation.status = Invitation.Status.CANCELLED
    invitation.decided_at = timezone.now()
    invitation.save(update_fields=["status", "decided_at"])
    audit.record(
        action=Action.INVITATION_CANCELLED,
        actor=actor,
        email=invitation.email,
        team=invitation.team,
    )


def _answerable(invitation: Invitation) -> None:
    if not invitation.is_open:
        raise ValidationError(_("This invitation can no longer be answered."))


def _answer(*, invitation: Invitation, user: User, status: str, action: str, notice: str):
    """Record the person's answer (once: a second answer is refused), in the history, and
    tell whoever invited them."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    _answerable(invitation)
    invitation.status = status
    invitation.decided_at = timezone.now()
    invitation.user = user
    invitation.save(update_fields=["status", "decided_at", "user"])
    audit.record(action=action, actor=user, user=user, team=invitation.team)
    if invitation.inviter_id:
        notify(
            invitation.inviter_id,
            notice,
            member=user.get_full_name(),
            email=invitation.email,
            team=invitation.team.name,
            team_id=invitation.team_id,
        )
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """The person agrees: from now on the team's managers see their progress."""
    invitation = _answer(
        invitation=invitation,
        user=user,
        status=Invitation.Status.ACCEPTED,
        action=Action.ACCEPTED,
        notice="team_invitation_accepted",
    )
    return Membership.objects.get_or_create(team=invitation.team, user=user)[0]


@transaction.atomic
def invitation_decline(*, invitation: Invitation, user: User) -> None:
    _answer(
        invitation=invitation,
        user=user,
        status=Invitation.Status.DECLINED,
        action=Action.DECLINED,
        notice="team_invitation_declined",
    )


def _membership_end(*, team: Team, user: User) -> bool:
    """The person is out of the team at once: their membership and the team's
    assignments to them go (the team's pages read memberships)."""
    deleted, _rows = Membership.objects.filter(team=team, user=user).delete()
    Assignment.objects.filter(team=team, assignee=user).delete()
    progress_changed(user_ids=[user.pk])
    return bool(deleted)


@transaction.atomic
def membership_leave(*, team: Team, user: User) -> None:
    """The person leaves; the team's managers are told."""
    if not _membership_end(team=team, user=user):
        return
    audit.record(action=Action.LEFT, actor=user, user=user, team=team)
    notify_many(
        (
            manager,
            "team_member_left",
            {"member": user.get_full_name(), "team": team.name, "team_id": team.pk},
        )
        for manager in team.managers.all()
    )


@transaction.atomic
def member_remove(*, team: Team, user: User, actor: User | None) -> None:
    """A manager (or admin) takes someone out of the team; the person is told. No actor:
    the company directory removed them (SCIM)."""
    if not _membership_end(team=team, user=user):
        return
    audit.record(action=Action.REMOVED, actor=actor, user=user, team=team)
    if actor is None:
        notify(user, "team_removed_by_directory", team=team.name)
    else:
        notify(user, "team_removed", team=team.name, actor=actor.get_full_name())


DIRECT_ACTIONS = {
    "admin": Action.ADDED_BY_ADMIN,
    "roster": Action.ADDED_BY_ROSTER,
    "directory": Action.ADDED_BY_DIRECTORY,
}


def members_joined_directly(*, memberships: list[Membership], actor: User | None, via: str) -> None:
    """After an admin, a roster import or the company directory ("admin", "roster",
    "directory") wrote these new Membership rows: record each in its team's history and
    tell each person which team they joined and who manages it. Call it in the same
    transaction as the rows were written."""
    if not memberships:
        return
    team_ids = {m.team_id for m in memberships}
    teams = {t.pk: t for t in Team.objects.filter(pk__in=team_ids).prefetch_related("managers")}
    managers = {
        pk: sorted(m.get_full_name() for m in team.managers.all()) for pk, team in teams.items()
    }
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                action=DIRECT_ACTIONS[via],
                actor=actor,
                user_id=m.user_id,
                team_id=m.team_id,
            )
            for m in memberships
        ],
        batch_size=BULK_BATCH,
    )
    notify_many(
        (
            m.user_id,
            "team_joined",
            {"team": teams[m.team_id].name, "managers": managers[m.team_id], "via": via},
        )
        for m in memberships
    )


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
