"""In-app notices that are not scheduled reminders: "you were invited to a team", "you
joined a team", "a member left your team"...

A notice is stored as a kind plus JSON parameters (names, ids) and its words are written
only when someone reads it, in the reader's language at that moment (a person who
switches to English reads their old notices in English). Rows made before this (the
reminder dispatcher's, which store their text) still show their stored text.

Other code tells someone something with one call::

    from tracker.reminders.notices import notify
    notify(user, "team_joined", team="Data", managers=["Mia Manager"], via="directory")

A new kind is one entry in NOTICES below: a title, optionally a body and a link, each a
function of the parameters that returns translated text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.dateparse import parse_date
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tracker.accounts.models import User

from . import notice_emails
from .models import Notification

Params = dict


@dataclass(frozen=True)
class Notice:
    title: Callable[[Params], str]
    body: Callable[[Params], str] = lambda params: ""
    url: Callable[[Params], str] = lambda params: ""


def _names(names: Iterable[str]) -> str:
    return ", ".join(names) or "—"


def _via(params: Params) -> str:
    return {
        "admin": _("An administrator added you to the team %(team)s."),
        "roster": _("An administrator added you to the team %(team)s by importing a roster."),
        "directory": _("The company directory added you to the team %(team)s."),
    }.get(params.get("via", ""), _("You were added to the team %(team)s.")) % params


def _sees(params: Params) -> str:
    return _(
        "Its managers (%(managers)s) see your progress, your self-assessments with their "
        "notes and evidence links, your certificates with their validity dates, and your "
        "email address. You can leave the team from your profile."
    ) % {"managers": _names(params.get("managers", []))}


def _team_lines(params: Params) -> str:
    lines = [
        _("%(team)s, managed by %(managers)s")
        % {"team": team["team"], "managers": _names(team.get("managers", []))}
        for team in params.get("teams", [])
    ]
    return "\n".join(lines)


def _work(params: Params) -> str:
    """The assigned track's name in the reader's language, or the course's title."""
    from courses.models import in_language  # the catalogue: the bottom floor

    return in_language(params.get("name_fr", ""), params.get("name_en", ""))


def _date(params: Params, key: str = "due") -> str:
    day = parse_date(params.get(key, "") or "")
    return date_format(day) if day else "—"


def _expires(params: Params) -> str:
    expires = parse_date(params.get("expires", "") or "")
    if expires is None:
        return ""
    return _("The invitation expires on %(date)s.") % {"date": date_format(expires)}


NOTICES: dict[str, Notice] = {
    "team_invitation": Notice(
        title=lambda p: _("%(inviter)s invites you to join the team %(team)s") % p,
        body=lambda p: " ".join(
            [
                _(
                    "If you accept, the team's managers will see your progress, your "
                    "self-assessments with their notes and evidence links, your certificates "
                    "with their validity dates, and your email address. Until you do, they "
                    "see nothing."
                ),
                _expires(p),
            ]
        ).strip(),
        url=lambda p: reverse("teams:invitation", args=[p["invitation"]]),
    ),
    "team_joined": Notice(
        title=lambda p: _("You joined the team %(team)s") % p,
        body=lambda p: f"{_via(p)} {_sees(p)}",
        url=lambda p: reverse("profile"),
    ),
    "team_visibility": Notice(
        title=lambda p: _("The teams that can see your progress"),
        body=lambda p: "\n".join(
            [
                _(
                    "From now on a manager needs your consent to add you to a team. These "
                    "teams were set up before and can see your progress, your "
                    "self-assessments with their notes and evidence links, and your email "
                    "address:"
                ),
                _team_lines(p),
                _("You can leave any of them from your profile."),
            ]
        ),
        url=lambda p: reverse("profile"),
    ),
    "team_certificates_visible": Notice(
        title=lambda p: _("Your teams' managers now see your certificates"),
        body=lambda p: "\n".join(
            [
                _(
                    "The managers of these teams now see your certificates (title, issuer "
                    "and validity dates) on their readiness board, so that nobody's "
                    "certification lapses unnoticed:"
                ),
                _team_lines(p),
                _("You can leave any of them from your profile."),
            ]
        ),
        url=lambda p: reverse("profile"),
    ),
    "team_removed": Notice(
        title=lambda p: _("You are no longer in the team %(team)s") % p,
        body=lambda p: _("%(actor)s removed you; its managers no longer see your progress.") % p,
    ),
    "team_removed_by_directory": Notice(
        title=lambda p: _("You are no longer in the team %(team)s") % p,
        body=lambda p: _(
            "The company directory removed you; its managers no longer see your progress."
        ),
    ),
    "assignment_new": Notice(
        title=lambda p: (
            _("%(actor)s assigned you %(work)s, due %(due)s")
            % {"actor": p.get("actor", ""), "work": _work(p), "due": _date(p)}
        ),
        body=lambda p: p.get("note", ""),
        url=lambda p: reverse("dashboard"),
    ),
    "assignment_due_changed": Notice(
        title=lambda p: (
            _("%(work)s is now due %(due)s (it was %(before)s)")
            % {"work": _work(p), "due": _date(p), "before": _date(p, "before")}
        ),
        body=lambda p: _("Changed by %(actor)s.") % {"actor": p.get("actor", "")},
        url=lambda p: reverse("dashboard"),
    ),
    "assignment_removed": Notice(
        title=lambda p: _("%(work)s is no longer assigned to you") % {"work": _work(p)},
        body=lambda p: (
            _("%(actor)s took the assignment back; your own plan and your hours stay.")
            % {"actor": p.get("actor", "")}
        ),
        url=lambda p: reverse("dashboard"),
    ),
    "team_member_left": Notice(
        title=lambda p: _("%(member)s left the team %(team)s") % p,
        body=lambda p: _("Their progress is no longer shown to the team."),
        url=lambda p: reverse("teams:detail", args=[p["team_id"]]),
    ),
    "manager_message": Notice(
        title=lambda p: _("%(manager)s (team %(team)s) sent you a reminder") % p,
        body=lambda p: p.get("text", ""),
        url=lambda p: reverse("dashboard"),
    ),
    "team_invitation_accepted": Notice(
        title=lambda p: _("%(member)s accepted to join the team %(team)s") % p,
        url=lambda p: reverse("teams:detail", args=[p["team_id"]]),
    ),
    "team_invitation_declined": Notice(
        title=lambda p: _("%(email)s declined to join the team %(team)s") % p,
        url=lambda p: reverse("teams:detail", args=[p["team_id"]]),
    ),
}


def _build(user: User | int, kind: str, params: Params) -> Notification:
    if kind not in NOTICES:
        raise ValueError(f"unknown notice kind {kind!r}: add it to NOTICES")
    user_id = user if isinstance(user, int) else user.pk
    return Notification(user_id=user_id, kind=kind, params=params)


def notify(user: User | int, kind: str, **params) -> Notification:
    """Tell `user` (a User or its id) something in the app, now.

    `kind` is a key of NOTICES; `params` are JSON values (names, ids, ISO dates) its text
    is made from when read, in the reader's language. Call it inside your own transaction:
    the notice is written with your change or not at all. Raises ValueError for an unknown
    kind (a typo must not store a notice nobody can read). Assignment notices are also
    emailed after the commit, as the person's preferences say (notice_emails)."""
    notification = _build(user, kind, params)
    notification.save()
    notice_emails.queue([notification])
    return notification


def notify_many(notices: Iterable[tuple[User | int, str, Params]]) -> int:
    """notify() for many people at once (one INSERT per 500): (user, kind, params).
    Their emails go after the commit, in one task (notice_emails)."""
    rows = [_build(user, kind, params) for user, kind, params in notices]
    Notification.objects.bulk_create(rows, batch_size=500)  # sets their ids
    notice_emails.queue(rows)
    return len(rows)


def render(notification: Notification) -> tuple[str, str, str]:
    """(title, body, url) in the active language: a notice's words are written now; a row
    that stored its text (reminders, rows made before notices) shows it."""
    notice = NOTICES.get(notification.kind)
    if notice is None or notification.title:
        return notification.title, notification.body, notification.url
    params = notification.params or {}
    try:
        return notice.title(params), notice.body(params), notice.url(params)
    except (KeyError, TypeError, ValueError, NoReverseMatch):
        # A row whose parameters no longer fit its kind must not break the page.
        return notification.kind, "", ""
