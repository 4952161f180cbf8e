"""Team pages: the team dashboard (table, heatmap, members, audit log), assigning, a
member's read-only progress, the CSV export. Every team is fetched for request.user: a
team one does not manage answers 404."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tracker.accounts import services as account_services
from tracker.accounts.forms import InvitedSignupForm
from tracker.accounts.views import with_language_cookie
from tracker.certificates.models import EXPIRY_WARNING_DAYS
from tracker.exports.formats import bad_dialect_response, csv_dialect
from tracker.progress import selectors as progress_selectors

from . import exports, history, roster, selectors, services
from .forms import (
    AssignmentForm,
    DueDateForm,
    MemberAddForm,
    ReadinessFilterForm,
    RosterForm,
    TeamFilterForm,
)
from .trends import team_trends

ROWS_PER_PAGE = 50
LOGS_ON_DASHBOARD = 10  # the latest changes; the history page has them all


def _table(request: HttpRequest, team) -> tuple[TeamFilterForm, selectors.TeamTable]:
    filters = TeamFilterForm(request.GET or None)
    table = selectors.team_progress(
        team=team, today=request.user.local_today(), **filters.criteria()
    )
    return filters, table


@require_GET
@login_required
def team_detail(request: HttpRequest, team_id: int) -> HttpResponse:
    """The table (filtered and sorted over the whole team, then shown a page at a time so
    a team of hundreds stays quick) and the heatmap of the same learners."""
    team = selectors.team_get_for_manager(user=request.user, team_id=team_id)
    return _team_page(request, team)


# The table's columns: (sort key or None, label). The header of a sortable one is a link
# (it works without JavaScript) and says the order it is in (aria-sort).
COLUMNS = [
    ("name", _lazy("Learner")),
    (None, _lazy("Assigned")),
    ("due", _lazy("Due date")),
    ("week", _lazy("Hours this week")),
    ("total", _lazy("Total hours")),
    ("percent", _lazy("Percent")),
    (None, _lazy("Projected finish")),
    ("status", _lazy("Status")),
    ("activity", _lazy("Last activity")),
]


@dataclass(frozen=True)
class SortHeader:
    label: str
    url: str  # "" for a column that does not sort
    aria_sort: str  # ascending / descending / "" (not sorted by it)


def _sort_headers(request: HttpRequest, criteria: dict) -> list[SortHeader]:
    """Each column's header: the link that sorts by it (ascending, or descending when it
    is the ascending sort already), the page's other filters kept."""
    headers = []
    for key, label in COLUMNS:
        if key is None:
            headers.append(SortHeader(str(label), "", ""))
            continue
        current = criteria["sort"] == key
        query = request.GET.copy()
        for name in ("page", "sort", "desc"):
            query.pop(name, None)
        query["sort"] = key
        if current and not criteria["descending"]:
            query["desc"] = "on"
        order = ("descending" if criteria["descending"] else "ascending") if current else ""
        headers.append(SortHeader(str(label), f"?{query.urlencode()}", order))
    return headers


def _team_page(
    request: HttpRequest, team, *, member_form: MemberAddForm | None = None, status: int = 200
) -> HttpResponse:
    filters = TeamFilterForm(request.GET or None)
    criteria = filters.criteria()
    table = selectors.team_progress(
        team=team, today=request.user.local_today(), all_figures=False, **criteria
    )
    if criteria["sort"] == "gap":  # every member's cells, to sort by them
        heatmap = selectors.team_heatmap(
            team=team, members=table.members, everyone=table.members, catalogue=table.catalogue
        )
        selectors.sort_by_gap(table.rows, heatmap.gaps, descending=criteria["descending"])
    page = Paginator(table.rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    shown = [row.member for row in page.object_list]
    if criteria["sort"] == "gap":
        heatmap.show(shown)
    else:
        heatmap = selectors.team_heatmap(
            team=team, shown=shown, everyone=table.members, catalogue=table.catalogue
        )
    selectors.figures_fill(table, page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    gap_query = request.GET.copy()
    for name in ("page", "sort", "desc"):
        gap_query.pop(name, None)
    gap_query["sort"] = "gap"
    context = {
        "team": team,
        "filters": filters,
        "table": table,
        "page": page,
        "query": query.urlencode(),
        "headers": _sort_headers(request, criteria),
        "heatmap": heatmap,
        "gap_sort_url": f"?{gap_query.urlencode()}",
        "sorted_by_gap": criteria["sort"] == "gap",
        "catalogue_url": reverse("courses:catalogue"),
        "today": request.user.local_today(),
    }
    if request.htmx:
        return render(request, "teams/team.html#progress", context)
    logs = selectors.team_logs(team=team, limit=LOGS_ON_DASHBOARD + 1)
    context |= {
        "logs": logs[:LOGS_ON_DASHBOARD],
        "more_logs": len(logs) > LOGS_ON_DASHBOARD,
        "member_form": member_form or MemberAddForm(),
        "invitations": selectors.invitations_waiting(team=team),
        "trends": team_trends(team, members=table.members),
        # One-time: the reminder view accepts it once (tracker/reminders/manager_messages.py).
        "remind_token": secrets.token_urlsafe(16),
    }
    return render(request, "teams/team.html", context, status=status)


@require_GET
@login_required
def team_history(request: HttpRequest, team_id: int) -> HttpResponse:
    """Every recorded change of the team's assignments and members, newest first, a page
    at a time, for one learner and a period when the GET form says so."""
    team = selectors.team_get_for_manager(user=request.user, team_id=team_id)
    filters = history.HistoryFilterForm(request.GET or None, team=team)
    rows = selectors.team_logs_all(team=team, **filters.criteria())
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    entries = [
        {"row": row, "when": history.when(row), "sentence": history.sentence(row)}
        for row in page.object_list
    ]
    context = {
        "team": team,
        "page": page,
        "entries": entries,
        "filters": filters,
        "query": query.urlencode(),
    }
    return render(request, "teams/history.html", context)


@require_GET
@login_required
def team_history_export(request: HttpRequest, team_id: int) -> HttpResponse:
    """The history as filtered on its page, as CSV (the `?dialect=` of every CSV)."""
    team = selectors.team_get_for_manager(user=request.user, team_id=team_id)
    dialect = csv_dialect(request)
    if dialect is None:
        return bad_dialect_response()
    filters = history.HistoryFilterForm(request.GET or None, team=team)
    rows = selectors.team_logs_all(team=team, **filters.criteria())[: history.MAX_CSV_ROWS]
    response = HttpResponse(
        history.history_csv(rows=rows, dialect=dialect), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="team-{team.pk}-history.csv"'
    return response


@require_GET
@login_required
def team_export(request: HttpRequest, team_id: int) -> HttpResponse:
    team = selectors.team_get_for_manager(user=request.user, team_id=team_id)
    dialect = csv_dialect(request)
    if dialect is None:
        return bad_dialect_response()
    _filters, table = _table(request, team)
    response = HttpResponse(
        exports.team_csv(table=table, dialect=dialect), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="team-{team.pk}.csv"'
    return response


def _readiness(request: HttpRequest, team) -> tuple[ReadinessFilterForm, selectors.ReadinessBoard]:
    filters = ReadinessFilterForm(request.GET or None)
    board = selectors.team_readiness(
        team=team, today=request.user.local_today(), **filters.criteria()
    )
    return filters, board


@require_GET
@login_required
def team_readiness(request: HttpRequest, team_id: int) -> HttpResponse:
    """Each member's certificates, valid, expiring (the flag's and reminders' 60 days) or
    expired: only members who accepted (memberships), never an invited address."""
    team = selectors.team_get_for_manager(user=request.user, team_id=team_id)
    filters, board = _readiness(request, team)
    query = request.GET.copy()
    query.pop("dialect", None)
    context = {
        "team": team,
        "filters": filters,
        "board": board,
        "query": query.urlencode(),
        "warning_days": EXPIRY_WARNING_DAYS,
    }
    if request.htmx:
        return render(request, "teams/readiness.html#board", context)
    return render(request, "teams/readiness.html", context)


@require_GET
@login_required
def team_readiness_export(request: HttpRequest, team_id: int) -> HttpResponse:
    """The board as CSV (its filters apply), one row per certificate."""
    team = selectors.team_get_for_manager(user=request.user, team_id=team_id)
    dialect = csv_dialect(request)
    if dialect is None:
        return bad_dialect_response()
    _filters, board = _readiness(request, team)
    response = HttpResponse(
        exports.readiness_csv(board=board, dialect=dialect),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="team-{team.pk}-readiness.csv"'
    return response


@require_http_methods(["GET", "POST"])
@login_required
def assign(request: HttpRequest, team_id: int) -> HttpResponse:
    """Choose whom (the learners ticked on the team page come ticked), what and when;
    then confirm with the count ("Assign to 9 learners?"); then assign."""
    team = selectors.team_get_for_manager(user=request.user, team_id=team_id)
    today = request.user.local_today()
    step = request.POST.get("step", "")
    if request.method == "POST" and step == "pick":
        # From the team page: its ticked learners, nothing checked yet.
        form = AssignmentForm(
            team=team, today=today, initial={"assignees": request.POST.getlist("learners")}
        )
        return render(request, "teams/assign.html", {"team": team, "form": form})
    form = AssignmentForm(request.POST or None, team=team, today=today)
    if step == "edit":  # back from the confirmation, everything as it was chosen
        return render(request, "teams/assign.html", {"team": team, "form": form})
    if request.method == "POST" and form.is_valid():
        assignees = form.assignees_or_team()
        if step != "confirm":
            context = {"team": team, "form": form, "assignees": assignees}
            return render(request, "teams/assign_confirm.html", context)
        try:
            assigned = services.assignment_assign(
                actor=request.user,
                team=team,
                assignees=assignees,
                track=form.cleaned_data["track"],
                course=form.cleaned_data["course"],
                due_date=form.cleaned_data["due_date"],
                due_in_days=form.cleaned_data["due_in_days"],
                note=form.cleaned_data["note"],
                today=today,
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("Assigned to %(count)d learner(s).") % {"count": len(assigned)},
            )
            return redirect("teams:detail", team_id=team.pk)
    status = 422 if form.errors else 200
    return render(request, "teams/assign.html", {"team": team, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def assignment_edit(request: HttpRequest, team_id: int, assignment_id: int) -> HttpResponse:
    """One learner's own due date (later team-wide changes leave it), or take it back."""
    team = selectors.team_get_for_manager(user=request.user, team_id=team_id)
    assignment = selectors.assignment_get_in_team(team=team, assignment_id=assignment_id)
    today = request.user.local_today()
    if request.method == "POST" and request.POST.get("remove") == "1":
        services.assignment_remove(actor=request.user, assignment=assignment)
        messages.success(request, _("Assignment removed."))
        return redirect("teams:detail", team_id=team.pk)
    form = DueDateForm(request.POST or None, today=today, initial={"due_date": assignment.due_date})
    if request.method == "POST" and form.is_valid():
        services.assignment_set_individual_due_date(
            actor=request.user, assignment=assignment, due_date=form.cleaned_data["due_date"]
        )
        messages.success(request, _("Due date saved for this learner."))
        return redirect("teams:detail", team_id=team.pk)
    status = 422 if form.errors else 200
    context = {"team": team, "assignment": assignment, "form": form}
    return render(request, "teams/assignment_edit.html", context, status=status)


@require_GET
@login_required
def member_progress(request: HttpRequest, team_id: int, user_id: int) -> HttpResponse:
    """A member's progress, read only."""
    team = selectors.team_get_for_manager(user=request.user, team_id=team_id)
    member = selectors.member_get(team=team, user_id=user_id)
    overview = progress_selectors.progress_overview(user=member, today=member.local_today())
    context = {
        "team": team,
        "member": member,
        "overview": overview,
        "assignments": selectors.assignments_for_learner(user=member),
    }
    return render(request, "teams/member.html", context)


@require_POST
@login_required
def member_add(request: HttpRequest, team_id: int) -> HttpResponse:
    """Invite an address. The answer is the same whether or not it has an account."""
    team = selectors.team_get_for_manager(user=request.user, team_id=team_id)
    form = MemberAddForm(request.POST)
    if form.is_valid():
        try:
            invitation, sent = services.invitation_create(
                team=team, inviter=request.user, email=form.cleaned_data["email"]
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            _invitation_sent_message(request, invitation, sent)
            return redirect("teams:detail", team_id=team.pk)
    return _team_page(request, team, member_form=form, status=422)


def _invitation_sent_message(request: HttpRequest, invitation, sent: bool) -> None:
    if sent:
        messages.success(
            request,
            _(
                "Invitation sent to %(email)s. They will appear in the team once they "
                "accept; until then the team sees nothing of them."
            )
            % {"email": invitation.email},
        )
    else:
        messages.warning(
            request,
            _(
                "The invitation to %(email)s is recorded but its email could not be sent "
                "now: send it again later."
            )
            % {"email": invitation.email},
        )


@require_POST
@login_required
def invitation_resend(request: HttpRequest, team_id: int, invitation_id: int) -> HttpResponse:
    team = selectors.team_get_for_manager(user=request.user, team_id=team_id)
    invitation = selectors.invitation_get_in_team(team=team, invitation_id=invitation_id)
    try:
        invitation, sent = services.invitation_create(
            team=team, inviter=request.user, email=invitation.email
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        _invitation_sent_message(request, invitation, sent)
    return redirect("teams:detail", team_id=team.pk)


@require_POST
@login_required
def invitation_cancel(request: HttpRequest, team_id: int, invitation_id: int) -> HttpResponse:
    team = selectors.team_get_for_manager(user=request.user, team_id=team_id)
    invitation = selectors.invitation_get_in_team(team=team, invitation_id=invitation_id)
    services.invitation_cancel(invitation=invitation, actor=request.user)
    messages.success(
        request, _("The invitation to %(email)s is cancelled.") % {"email": invitation.email}
    )
    return redirect("teams:detail", team_id=team.pk)


@require_http_methods(["GET", "POST"])
@login_required
def invitation_answer(request: HttpRequest, invitation_id: int) -> HttpResponse:
    """The invited person's page: who asks, what they would see, accept or decline."""
    invitation = selectors.invitation_get_for_invitee(
        user=request.user, invitation_id=invitation_id
    )
    answer = request.POST.get("answer")
    if request.method == "POST" and answer in {"accept", "decline"}:
        try:
            if answer == "accept":
                services.invitation_accept(invitation=invitation, user=request.user)
            else:
                services.invitation_decline(invitation=invitation, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("teams:invitation", invitation_id=invitation.pk)
        if answer == "accept":
            messages.success(
                request, _("You joined the team %(team)s.") % {"team": invitation.team.name}
            )
        else:
            messages.success(
                request,
                _("You declined; the team %(team)s sees nothing of you.")
                % {"team": invitation.team.name},
            )
        return redirect("profile")
    context = {
        "invitation": invitation,
        "managers": invitation.team.managers.order_by("name", "email"),
    }
    return render(request, "teams/invitation.html", context, status=400 if answer else 200)


@never_cache
@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
def invitation_signup(request: HttpRequest, token: str) -> HttpResponse:
    """The link an unknown address gets: create the account (for that address: the token
    shows its owner reads it), then answer the invitation."""
    invitation = selectors.invitation_by_token(raw_token=token)
    if invitation is None:
        return render(request, "teams/invitation_invalid.html", status=404)
    answer_url = reverse("teams:invitation", args=[invitation.pk])
    if request.user.is_authenticated:
        return redirect(answer_url)
    if account_services.has_active_account(email=invitation.email):
        # Made since the invitation was sent: log in to answer (said to the owner of the
        # address only, who knows it).
        return redirect(f"{reverse('login')}?{urlencode({'next': answer_url})}")
    form = InvitedSignupForm(
        request.POST or None, accept_language=request.headers.get("Accept-Language", "")
    )
    if request.method == "POST" and form.is_valid():
        user = account_services.user_sign_up(
            email=invitation.email,
            name=form.cleaned_data["name"],
            password=form.cleaned_data["password1"],
            language=form.cleaned_data["language"],
            timezone=form.cleaned_data["timezone"],
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return with_language_cookie(redirect(answer_url), user.language)
    context = {"form": form, "invitation": invitation}
    return render(request, "accounts/signup.html", context, status=422 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@login_required
def team_leave(request: HttpRequest, team_id: int) -> HttpResponse:
    """Leave a team (asks to confirm first): its managers stop seeing one's progress."""
    team = selectors.team_of_member(user=request.user, team_id=team_id)
    if request.method == "POST":
        services.membership_leave(team=team, user=request.user)
        messages.success(
            request,
            _("You left the team %(team)s: its managers no longer see your progress.")
            % {"team": team.name},
        )
        return redirect("profile")
    return render(
        request,
        "teams/leave.html",
        {"team": team, "managers": team.managers.order_by("name", "email")},
    )


@require_POST
@login_required
def member_remove(request: HttpRequest, team_id: int, user_id: int) -> HttpResponse:
    team = selectors.team_get_for_manager(user=request.user, team_id=team_id)
    member = selectors.member_get(team=team, user_id=user_id)
    services.member_remove(team=team, user=member, actor=request.user)
    messages.success(request, _("%(name)s left the team.") % {"name": member})
    return redirect("teams:detail", team_id=team.pk)


# --- Roster import (admins) -------------------------------------------------------------


def _invite(request: HttpRequest, user_ids: list[int]) -> None:
    inviter = request.user.get_full_name()
    if account_services.invitations_enqueue(user_ids=user_ids, inviter=inviter):
        messages.info(
            request,
            ngettext(
                "An invitation to choose a password is on its way to the new person.",
                "Invitations to choose a password are on their way to the %(count)d new people.",
                len(user_ids),
            )
            % {"count": len(user_ids)},
        )
    else:
        messages.warning(
            request,
            _(
                "The invitations could not be sent now. New people can still get in with "
                "“Forgot your password?” on the login page."
            ),
        )


@require_http_methods(["GET", "POST"])
@login_required
def roster_import(request: HttpRequest) -> HttpResponse:
    """Upload a CSV, see the preview with each line's errors, then confirm. The confirm
    step posts the same text back and it is checked again before anything is written."""
    if not request.user.is_admin:
        raise Http404
    form = RosterForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        report = roster.roster_parse(form.roster_text())
        if report.ok and request.POST.get("confirm") == "1":
            roster.roster_apply(report, actor=request.user)
            messages.success(
                request,
                _("Roster imported: %(lines)d lines, %(users)d new people.")
                % {"lines": len(report.lines), "users": report.new_users},
            )
            if report.created_user_ids and request.POST.get("invite") == "1":
                _invite(request, report.created_user_ids)
            return redirect("teams:roster")
    context = {"form": form, "report": report, "text": form.roster_text() if report else ""}
    status = 422 if (form.errors or (report and report.errors)) else 200
    return render(request, "teams/roster.html", context, status=status)


@require_GET
@login_required
def roster_template(request: HttpRequest) -> HttpResponse:
    """The roster's template: the header and three example lines, one a manager only."""
    if not request.user.is_admin:
        raise Http404
    response = HttpResponse(
        "\ufeff" + roster.ROSTER_TEMPLATE, content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="roster-template.csv"'
    return response
