"""Roster import from CSV: `email, name, team, manager email`, one learner a line.

A first line that is the English header (`email,name,team,manager email`) or the French
one (`email,nom,equipe,email_manager`, accents and case ignored) is skipped. A line whose
email is empty names a manager who is not a learner of that team: `,Mia Dupont,Sales,
mia@example.com` makes mia@example.com (created if new, with that name) a manager of
Sales and nothing more. `ROSTER_TEMPLATE` is the file the roster page offers.

`roster_parse` reads and checks every line (nothing is written) and names the line of
each error; `roster_apply` writes a clean roster with bulk operations in batches, so a
10,000-line roster costs a fixed number of queries per batch. Names are stored as typed,
formula-looking ones included: the CSV export escapes them
(tracker.exports.formats.spreadsheet_safe).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from tracker.accounts.models import Membership, Team, User

from .services import members_joined_directly

BATCH = 500
MAX_LINES = 20_000
MAX_BYTES = 5 * 1024 * 1024
HEADERS = (
    ["email", "name", "team", "manager email"],
    ["email", "nom", "equipe", "email_manager"],
)
ROSTER_TEMPLATE = (
    "email,name,team,manager email\r\n"
    "lea.martin@example.com,Léa Martin,Sales,mia.dupont@example.com\r\n"
    "sam.bernard@example.com,Sam Bernard,Sales,mia.dupont@example.com\r\n"
    ",Mia Dupont,Sales,mia.dupont@example.com\r\n"
)


def _is_header(row: list[str]) -> bool:
    """The English or the French header row (accents, case and spaces ignored)."""
    cells = [
        unicodedata.normalize("NFKD", cell).encode("ascii", "ignore").decode().strip().lower()
        for cell in row[:4]
    ]
    return cells in HEADERS


@dataclass(frozen=True)
class RosterLine:
    line: int
    email: str  # empty: a manager-only line (the name is the manager's)
    name: str
    team: str
    manager_email: str

    @property
    def manager_only(self) -> bool:
        return not self.email


@dataclass
class RosterReport:
    lines: list[RosterLine] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line number, message)
    new_users: int = 0
    new_teams: list[str] = field(default_factory=list)
    created_user_ids: list[int] = field(default_factory=list)  # once applied

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.lines)


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data.lstrip("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _existing_emails(emails: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(emails), BATCH):
        chunk = emails[start : start + BATCH]
        found.update(
            e.lower() for e in User.objects.filter(email__in=chunk).values_list("email", flat=True)
        )
    return found


def roster_parse(data: bytes | str) -> RosterReport:
    """Check every line; the report lists the valid lines and each error with its line."""
    report = RosterReport()
    if len(data) > MAX_BYTES:
        report.errors.append((0, _("The file is larger than 5 MiB.")))
        return report
    text = _decode(data)
    seen: dict[str, int] = {}  # learners' addresses -> line
    managers_named: dict[str, int] = {}  # managers of manager-only lines -> first line
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if number > MAX_LINES:
            report.errors.append((number, _("More than 20,000 lines: split the roster.")))
            break
        if not any(cell.strip() for cell in row):
            continue
        if number == 1 and _is_header(row):
            continue
        if len(row) != 4:
            report.errors.append(
                (
                    number,
                    _("Expected 4 columns (email, name, team, manager email), found %(n)d.")
                    % {"n": len(row)},
                )
            )
            continue
        email, name, team, manager = (cell.strip() for cell in row)
        email, manager = email.lower(), manager.lower()
        problems = []
        if not email:
            if not manager:
                problems.append(
                    _("The email is missing (a line without one names a manager: give theirs).")
                )
        else:
            try:
                validate_email(email)
            except ValidationError:
                problems.append(_("“%(email)s” is not a valid email address.") % {"email": email})
        if not team:
            problems.append(_("The team is missing."))
        elif len(team) > 150:
            problems.append(_("The team name is longer than 150 characters."))
        if len(name) > 150:
            problems.append(_("The name is longer than 150 characters."))
        if manager:
            try:
                validate_email(manager)
            except ValidationError:
                problems.append(
                    _("“%(email)s” is not a valid manager email address.") % {"email": manager}
                )
        if email and email in seen:
            problems.append(
                _("%(email)s is already on line %(line)d.") % {"email": email, "line": seen[email]}
            )
        if problems:
            report.errors.extend((number, message) for message in problems)
            continue
        if email:
            seen[email] = number
        else:
            managers_named.setdefault(manager, number)
        report.lines.append(RosterLine(number, email, name, team, manager))
    if not report.lines and not report.errors:
        report.errors.append((0, _("The roster is empty.")))
    existing = _existing_emails(
        sorted(seen | {ln.manager_email: 0 for ln in report.lines if ln.manager_email})
    )
    for line in report.lines:
        if (
            line.manager_email
            and line.manager_email not in existing
            and line.manager_email not in seen
            and line.manager_email not in managers_named
        ):
            report.errors.append(
                (
                    line.line,
                    _("The manager %(email)s has no account and is not in the roster.")
                    % {"email": line.manager_email},
                )
            )
    report.new_users = sum(
        1 for email in seen.keys() | managers_named.keys() if email not in existing
    )
    teams = {line.team for line in report.lines}
    known = set(Team.objects.filter(name__in=teams).values_list("name", flat=True))
    report.new_teams = sorted(teams - known)
    return report


@transaction.atomic
def roster_apply(report: RosterReport, *, actor: User | None = None) -> RosterReport:
    """Write a clean roster: new users (no usable password: they reset it), new teams,
    memberships and managers. Existing users keep their data; an empty name is filled."""
    if not report.ok:
        raise ValueError("only a roster without errors is applied")
    lines = report.lines
    emails = sorted(
        {line.email for line in lines if line.email}
        | {ln.manager_email for ln in lines if ln.manager_email}
    )
    users: dict[str, User] = {}
    for start in range(0, len(emails), BATCH):
        for user in User.objects.filter(email__in=emails[start : start + BATCH]):
            users[user.email.lower()] = user
    # A manager-only line's name is the manager's; a learner line's name wins.
    names = {ln.manager_email: ln.name for ln in lines if ln.manager_only and ln.name}
    names |= {line.email: line.name for line in lines if not line.manager_only}
    new = []
    for email in emails:
        if email not in users:
            user = User(email=email, name=names.get(email, ""))
            user.set_unusable_password()
            new.append(user)
    User.objects.bulk_create(new, batch_size=BATCH)
    report.created_user_ids = [user.pk for user in new]
    for start in range(0, len(emails), BATCH):
        for user in User.objects.filter(email__in=emails[start : start + BATCH]):
            users[user.email.lower()] = user
    unnamed = [u for email, u in users.items() if not u.name and names.get(email)]
    for user in unnamed:
        user.name = names[user.email.lower()]
    User.objects.bulk_update(unnamed, ["name"], batch_size=BATCH)
    team_names = sorted({line.team for line in lines})
    Team.objects.bulk_create([Team(name=n) for n in team_names], ignore_conflicts=True)
    teams = {t.name: t for t in Team.objects.filter(name__in=team_names)}
    already = set(
        Membership.objects.filter(team__in=teams.values()).values_list("team_id", "user_id")
    )
    joined = {
        (teams[ln.team].pk, users[ln.email].pk): Membership(
            team=teams[ln.team], user=users[ln.email]
        )
        for ln in lines
        if not ln.manager_only and (teams[ln.team].pk, users[ln.email].pk) not in already
    }
    Membership.objects.bulk_create(list(joined.values()), ignore_conflicts=True, batch_size=BATCH)
    # Added directly (no invitation): each person is told and the team's history says so.
    members_joined_directly(memberships=list(joined.values()), actor=actor, via="roster")
    managers = {(teams[ln.team].pk, users[ln.manager_email].pk) for ln in lines if ln.manager_email}
    Team.managers.through.objects.bulk_create(
        [Team.managers.through(team_id=t, user_id=u) for t, u in sorted(managers)],
        ignore_conflicts=True,
        batch_size=BATCH,
    )
    return report
