"""Access control matrix: every view and API endpoint of the product x every persona.

Each case names a URL pattern, the method, how to fill its arguments from a small world
(the learner's own entry, plan, assessment, token; their team...), and the status each
persona gets. `test_every_url_pattern_is_in_the_matrix` fails when a URL pattern exists
that the matrix does not list: a new view must say here who may see it. Cases with an id
also check that an unknown id answers 404 to the persona who may see the real one.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field, replace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tests.conftest import PERSONAS
from tests.factories import make_competency, make_course, make_snapshot, make_target, make_user
from tests.progress_helpers import make_track_with_options
from tracker.accounts.models import ApiToken
from tracker.assessments.services import assessment_draft_get_or_create
from tracker.certificates.services import CertificateInput, certificate_record
from tracker.exports.services import calendar_feed_get_or_create
from tracker.progress import services as progress_services
from tracker.progress.models import StudyBlock
from tracker.reminders.models import Notification
from tracker.reminders.tokens import unsubscribe_token
from tracker.teams import services as team_services

pytestmark = pytest.mark.django_db

MISSING = 999_999


# The suite's personas, and one more here: an account invited to the learner's team that
# has not answered. Until they accept they are a stranger to the team: unless a row says
# otherwise they get what the other learner gets.
MATRIX_PERSONAS = [*PERSONAS, "invited"]


def row(
    anonymous, learner, other_learner, manager, other_manager, admin, invited=None
) -> dict[str, int]:
    return dict(
        zip(
            MATRIX_PERSONAS,
            (
                anonymous,
                learner,
                other_learner,
                manager,
                other_manager,
                admin,
                other_learner if invited is None else invited,
            ),
            strict=True,
        )
    )


# Shorthands for the usual rows.
LOGGED_IN = row(302, 200, 200, 200, 200, 200)  # a page for anyone signed in (invited too)
PUBLIC = row(200, 200, 200, 200, 200, 200)
API_LOGGED_IN = row(401, 200, 200, 200, 200, 200)
NOWHERE = row(404, 404, 404, 404, 404, 404)


@dataclass
class Case:
    name: str  # the URL pattern's name ("namespace:name"), or its route for unnamed ones
    method: str
    expected: dict[str, int]
    kwargs: dict = field(default_factory=dict)  # values are keys of the world, or literals
    data: dict | None = None
    missing: str | None = None  # which kwarg to replace by an unknown id for the 404 check
    json: bool = False


@dataclass
class World:
    values: dict

    def url(self, case: Case, *, missing: bool = False) -> str:
        kwargs = {}
        for key, value in case.kwargs.items():
            resolved = self.values.get(value, value) if isinstance(value, str) else value
            if missing and key == case.missing:
                resolved = MISSING if isinstance(resolved, int) else "NOPE-404"
            kwargs[key] = resolved
        if case.name.startswith("/"):
            return case.name
        return reverse(case.name, kwargs=kwargs)


@pytest.fixture
def world(personas, settings, tmp_path) -> World:
    settings.MEDIA_ROOT = tmp_path / "media"  # the certificate's file
    track, p1, _p2, a, _b, _c = make_track_with_options()
    make_target(track, make_competency("mlops"), 3)
    learner = personas.learner
    progress_services.phase_choose(user=learner, phase=p1, course=a)
    entry = progress_services.time_entry_create(
        user=learner, course=a, date=learner.local_today(), minutes=30
    )
    snapshot = make_snapshot(learner, {"mlops": 2}, track=track)
    draft = assessment_draft_get_or_create(user=learner, track=track)
    token, _raw = ApiToken.issue(user=learner, name="cli")
    [assignment] = team_services.assignment_assign(
        actor=personas.manager,
        team=personas.team,
        assignees=[learner],
        track=track,
        due_in_days=30,
    )
    make_course("SOLO")
    certificate = certificate_record(
        user=learner,
        data=CertificateInput(
            title="Cert",
            issued_on=learner.local_today(),
            file=SimpleUploadedFile("cert.pdf", b"%PDF-1.4 certificate"),
        ),
    )
    feed = calendar_feed_get_or_create(user=learner)
    block = StudyBlock.objects.create(
        user=learner, course=a, day=learner.local_today(), start=datetime.time(18), minutes=60
    )
    pause = progress_services.pause_create(
        user=learner,
        start=learner.local_today() + datetime.timedelta(days=40),
        end=learner.local_today() + datetime.timedelta(days=45),
    )
    notification = Notification.objects.create(user=learner, kind="retake", title="Retake")
    invited = make_user("invited@example.test", name="Inès Invited")
    invitation, _sent = team_services.invitation_create(
        team=personas.team, inviter=personas.manager, email=invited.email
    )
    unknown_address = team_services.invitation_create(
        team=personas.team, inviter=personas.manager, email="newbie@example.test"
    )[0]
    return World(
        {
            "invited_user": invited,
            "invitation": invitation.pk,
            "invitation_token": _token_of(unknown_address),
            "entry": entry.pk,
            "course": a.code,
            "track": track.code,
            "phase": p1.code,
            "snapshot": snapshot.pk,
            "draft": draft.pk,
            "token": token.pk,
            "team": personas.team.pk,
            "other_team": personas.other_team.pk,
            "learner": learner.pk,
            "assignment": assignment.pk,
            "certificate": certificate.pk,
            "feed": feed.token,
            "pause": pause.pk,
            "block": block.pk,
            "notification": notification.pk,
            "unsubscribe": unsubscribe_token(user_id=learner.pk, kind="retake"),
        }
    )


def _token_of(invitation) -> str:
    """A fresh sign-up link's token (the row keeps only its hash)."""
    raw = invitation.new_token()
    invitation.save()
    return raw


FUTURE = (timezone.localdate() + datetime.timedelta(days=20)).isoformat()

CASES: list[Case] = [
    # --- project, accounts ---
    Case("dashboard", "GET", LOGGED_IN),
    Case("health", "GET", PUBLIC),
    Case("/favicon.ico", "GET", row(301, 301, 301, 301, 301, 301)),
    Case("login", "GET", row(200, 302, 302, 302, 302, 302)),
    Case("logout", "POST", row(302, 302, 302, 302, 302, 302)),
    Case("signup", "GET", row(200, 302, 302, 302, 302, 302)),
    Case("signup_sent", "GET", PUBLIC),
    # A bad link says so (400) to anyone; a good one is tested in test_accounts.py.
    Case(
        "signup_confirm",
        "GET",
        row(400, 400, 400, 400, 400, 400, 400),
        kwargs={"uidb64": "MQ", "token": "bad-token"},
    ),
    Case("profile", "GET", LOGGED_IN),
    Case("api_tokens", "GET", LOGGED_IN),
    Case(
        "api_token_revoke",
        "POST",
        row(302, 302, 404, 404, 404, 404),
        kwargs={"token_id": "token"},
        missing="token_id",
    ),
    Case("password_change", "GET", LOGGED_IN),
    Case("password_change_done", "GET", LOGGED_IN),
    Case("password_reset", "GET", PUBLIC),
    Case("password_reset_done", "GET", PUBLIC),
    Case(
        "password_reset_confirm",
        "GET",
        PUBLIC,
        kwargs={"uidb64": "MQ", "token": "bad-token"},
    ),
    Case("password_reset_complete", "GET", PUBLIC),
    Case("set_language", "POST", row(302, 302, 302, 302, 302, 302), data={"language": "en"}),
    # --- catalogue ---
    Case("courses:catalogue", "GET", LOGGED_IN),
    Case("courses:course", "GET", LOGGED_IN, kwargs={"code": "course"}, missing="code"),
    Case("courses:tracks", "GET", LOGGED_IN),
    Case("courses:track", "GET", LOGGED_IN, kwargs={"code": "track"}, missing="code"),
    Case(
        "courses:compare",
        "GET",
        LOGGED_IN,
        kwargs={"code": "track", "phase_code": "phase"},
        missing="code",
    ),
    # --- progress ---
    Case("progress:entries", "GET", LOGGED_IN),
    Case("progress:entry_create", "GET", LOGGED_IN),
    # The quick logs of the dashboard and of a course page: each signed-in person logs
    # their own time (then goes back to the page).
    Case(
        "progress:entry_create_dashboard",
        "POST",
        row(302, 302, 302, 302, 302, 302),
        data={"course": "SOLO", "date": "2026-01-05", "duration": "30"},
    ),
    Case(
        "progress:entry_create_course",
        "POST",
        row(302, 302, 302, 302, 302, 302),
        kwargs={"code": "course"},
        data={"course": "ai-po-P1-A", "date": "2026-01-05", "duration": "30"},
        missing="code",
    ),
    Case(
        "progress:entry_row",
        "GET",
        row(302, 200, 404, 404, 404, 404),
        kwargs={"pk": "entry"},
        missing="pk",
    ),
    Case(
        "progress:entry_edit",
        "GET",
        row(302, 200, 404, 404, 404, 404),
        kwargs={"pk": "entry"},
        missing="pk",
    ),
    Case(
        "progress:entry_delete",
        "POST",
        row(302, 302, 404, 404, 404, 404),
        kwargs={"pk": "entry"},
        missing="pk",
    ),
    # Pauses and rest days: the signed-in learner's own; someone else's pause is 404.
    Case("progress:pauses", "GET", LOGGED_IN),
    Case(
        "progress:pauses",
        "POST",
        row(302, 302, 302, 302, 302, 302),
        data={"start": "2024-03-01", "end": "2024-03-10"},
    ),
    Case("progress:rest_days", "POST", row(302, 302, 302, 302, 302, 302), data={"rest_days": 6}),
    Case(
        "progress:pause_delete",
        "GET",
        row(302, 200, 404, 404, 404, 404),
        kwargs={"pk": "pause"},
        missing="pk",
    ),
    Case(
        "progress:pause_delete",
        "POST",
        row(302, 302, 404, 404, 404, 404),
        kwargs={"pk": "pause"},
        missing="pk",
    ),
    # Study blocks: the learner's own plan; someone else's block is 404.
    Case("progress:blocks", "GET", LOGGED_IN),
    Case("progress:blocks_accept", "POST", row(302, 302, 302, 302, 302, 302)),
    Case(
        "progress:block_settings",
        "POST",
        row(302, 302, 302, 302, 302, 302),
        data={"block_hour": 7, "block_minutes": 45},
    ),
    Case(
        "progress:block_done",
        "POST",
        row(302, 302, 404, 404, 404, 404),
        kwargs={"pk": "block"},
        missing="pk",
    ),
    # The timer is the signed-in learner's own: no id in its URLs.
    Case("progress:timer", "GET", LOGGED_IN),
    Case(
        "progress:timer_start", "POST", row(302, 302, 302, 302, 302, 302), data={"course": "SOLO"}
    ),
    # Nobody's timer is running in the world: stopping says so and goes back.
    Case("progress:timer_stop", "GET", row(302, 302, 302, 302, 302, 302)),
    Case(
        "progress:plan",
        "GET",
        row(302, 200, 404, 404, 404, 404),
        kwargs={"code": "course"},
        missing="code",
    ),
    Case(
        "progress:plan_add",
        "POST",
        row(302, 302, 302, 302, 302, 302),
        kwargs={"code": "course"},
        missing="code",
    ),
    Case(
        "progress:plan_remove",
        "POST",
        row(302, 302, 404, 404, 404, 404),
        kwargs={"code": "course"},
        missing="code",
    ),
    Case(
        "progress:plan_done",
        "POST",
        row(302, 302, 404, 404, 404, 404),
        kwargs={"code": "course"},
        missing="code",
    ),
    Case(
        "progress:plan_modules",
        "POST",
        row(302, 302, 404, 404, 404, 404),
        kwargs={"code": "course"},
        missing="code",
    ),
    Case(
        "progress:track_join",
        "POST",
        row(302, 302, 302, 302, 302, 302),
        kwargs={"code": "track"},
        missing="code",
    ),
    Case(
        "progress:track_leave",
        "POST",
        row(302, 302, 302, 302, 302, 302),
        kwargs={"code": "track"},
        missing="code",
    ),
    Case(
        "progress:phase_choose",
        "POST",
        row(302, 302, 302, 302, 302, 302),
        kwargs={"code": "course"},
        missing="code",
    ),
    # --- the first-run guide (issue 18): each learner's own steps ---
    Case("start", "GET", LOGGED_IN),
    Case("start", "POST", row(302, 302, 302, 302, 302, 302), data={"track": "ai-po"}),
    Case("start_pace", "GET", LOGGED_IN, kwargs={"code": "track"}, missing="code"),
    Case(
        "start_pace",
        "POST",
        row(302, 302, 302, 302, 302, 302),
        kwargs={"code": "track"},
        data={"weekly_hours": "6"},
        missing="code",
    ),
    Case("start_options", "GET", LOGGED_IN, kwargs={"code": "track"}, missing="code"),
    Case(
        "start_options",
        "POST",
        row(302, 302, 302, 302, 302, 302),
        kwargs={"code": "track"},
        data={"P1": ""},
        missing="code",
    ),
    # --- assessments ---
    Case("assessments:history", "GET", LOGGED_IN),
    Case("assessments:take", "GET", LOGGED_IN),
    Case(
        "assessments:detail",
        "GET",
        row(302, 200, 404, 404, 404, 404),
        kwargs={"assessment_id": "snapshot"},
        missing="assessment_id",
    ),
    Case(
        "assessments:save",
        "POST",
        row(302, 302, 404, 404, 404, 404),
        kwargs={"assessment_id": "draft"},
        data={"competency": "mlops", "level": "2"},
        missing="assessment_id",
    ),
    Case(
        "assessments:submit",
        "POST",
        row(302, 302, 404, 404, 404, 404),
        kwargs={"assessment_id": "draft"},
        data={"mlops-level": "2"},
        missing="assessment_id",
    ),
    Case(
        "assessments:member",
        "GET",
        row(302, 404, 404, 200, 404, 404),
        kwargs={"team_id": "team", "user_id": "learner"},
        missing="user_id",
    ),
    # --- certificates ---
    Case("certificates:list", "GET", LOGGED_IN),
    Case(
        "certificates:edit",
        "GET",
        row(302, 200, 404, 404, 404, 404),
        kwargs={"pk": "certificate"},
        missing="pk",
    ),
    Case(
        "certificates:delete",
        "POST",
        row(302, 302, 404, 404, 404, 404),
        kwargs={"pk": "certificate"},
        missing="pk",
    ),
    Case(
        "certificates:file",
        "GET",
        row(302, 200, 404, 404, 404, 404),
        kwargs={"pk": "certificate"},
        missing="pk",
    ),
    # --- reminders and notifications ---
    Case("reminders:preferences", "GET", LOGGED_IN),
    Case("reminders:notifications", "GET", LOGGED_IN),
    Case("reminders:read_all", "POST", row(302, 302, 302, 302, 302, 302)),
    Case(
        "reminders:read",
        "POST",
        row(302, 302, 404, 404, 404, 404),
        kwargs={"notification_id": "notification"},
        missing="notification_id",
    ),
    # Reached from an email by its signed token, signed in or not; a bad token is a 400.
    Case("reminders:unsubscribe", "GET", PUBLIC, kwargs={"token": "unsubscribe"}),
    # --- exports (one's own data only: no id in these URLs) ---
    Case("exports:my_data", "GET", LOGGED_IN),
    Case("exports:json", "GET", LOGGED_IN),
    Case("exports:csv", "GET", LOGGED_IN),
    Case("exports:xapi", "GET", LOGGED_IN),
    Case("exports:calendar_rotate", "POST", row(302, 302, 302, 302, 302, 302)),
    # The feed is reached by its secret token (calendar apps send no cookie).
    Case("exports:calendar", "GET", PUBLIC, kwargs={"token": "feed"}, missing="token"),
    # --- teams ---
    Case("teams:roster", "GET", row(302, 404, 404, 404, 404, 200)),
    Case("teams:roster_template", "GET", row(302, 404, 404, 404, 404, 200)),
    Case(
        "teams:detail",
        "GET",
        row(302, 404, 404, 200, 404, 200),
        kwargs={"team_id": "team"},
        missing="team_id",
    ),
    Case(
        "teams:export",
        "GET",
        row(302, 404, 404, 200, 404, 200),
        kwargs={"team_id": "team"},
        missing="team_id",
    ),
    Case(
        "teams:history",
        "GET",
        row(302, 404, 404, 200, 404, 200),
        kwargs={"team_id": "team"},
        missing="team_id",
    ),
    Case(
        "teams:history_export",
        "GET",
        row(302, 404, 404, 200, 404, 200),
        kwargs={"team_id": "team"},
        missing="team_id",
    ),
    Case(
        "teams:assign",
        "GET",
        row(302, 404, 404, 200, 404, 200),
        kwargs={"team_id": "team"},
        missing="team_id",
    ),
    Case(
        "teams:assignment_edit",
        "GET",
        row(302, 404, 404, 200, 404, 200),
        kwargs={"team_id": "team", "assignment_id": "assignment"},
        missing="assignment_id",
    ),
    Case(
        "teams:member_add",
        "POST",
        row(302, 404, 404, 302, 404, 302),
        kwargs={"team_id": "team"},
        data={"email": "other@example.test"},
        missing="team_id",
    ),
    Case(
        "teams:invitation_resend",
        "POST",
        row(302, 404, 404, 302, 404, 302),
        kwargs={"team_id": "team", "invitation_id": "invitation"},
        missing="invitation_id",
    ),
    Case(
        "teams:invitation_cancel",
        "POST",
        row(302, 404, 404, 302, 404, 302),
        kwargs={"team_id": "team", "invitation_id": "invitation"},
        missing="invitation_id",
    ),
    # The invited person's own page: nobody else's, not even the team's manager or admin.
    Case(
        "teams:invitation",
        "GET",
        row(302, 404, 404, 404, 404, 404, invited=200),
        kwargs={"invitation_id": "invitation"},
        missing="invitation_id",
    ),
    Case(
        "teams:invitation",
        "POST",
        row(302, 404, 404, 404, 404, 404, invited=302),
        kwargs={"invitation_id": "invitation"},
        data={"answer": "decline"},
    ),
    # The sign-up link of an unknown address: a form for a visitor; signed in, on to the
    # answer page (which is only the invited person's).
    Case(
        "teams:invitation_signup",
        "GET",
        row(200, 302, 302, 302, 302, 302, 302),
        kwargs={"token": "invitation_token"},
        missing="token",
    ),
    # Leaving: the members of the team only (not the invited person yet).
    Case(
        "teams:leave",
        "GET",
        row(302, 200, 404, 404, 404, 404),
        kwargs={"team_id": "team"},
        missing="team_id",
    ),
    Case(
        "teams:leave",
        "POST",
        row(302, 302, 404, 404, 404, 404),
        kwargs={"team_id": "team"},
    ),
    Case(
        "teams:member",
        "GET",
        row(302, 404, 404, 200, 404, 200),
        kwargs={"team_id": "team", "user_id": "learner"},
        missing="user_id",
    ),
    Case(
        "teams:member_remove",
        "POST",
        row(302, 404, 404, 302, 404, 302),
        kwargs={"team_id": "team", "user_id": "learner"},
        missing="user_id",
    ),
    # --- API ---
    Case("api:openapi-json", "GET", PUBLIC),
    Case("api:openapi-view", "GET", PUBLIC),
    Case("api:api-root", "GET", row(404, 404, 404, 404, 404, 404)),
    Case("api:list_courses", "GET", API_LOGGED_IN),
    Case("api:get_course", "GET", API_LOGGED_IN, kwargs={"id": "course"}, missing="id"),
    Case("api:list_tracks", "GET", API_LOGGED_IN),
    Case("api:get_track", "GET", API_LOGGED_IN, kwargs={"id": "track"}, missing="id"),
    Case("api:list_competencies", "GET", API_LOGGED_IN),
    Case("api:me", "GET", API_LOGGED_IN),
    Case("api:me_update", "PATCH", API_LOGGED_IN, data={"name": "Renamed"}, json=True),
    Case("api:my_assessments", "GET", API_LOGGED_IN),
    Case(
        "api:submit_assessment",
        "POST",
        row(401, 201, 201, 201, 201, 201),
        data={"ratings": [{"competency": "mlops", "level": 3}]},
        json=True,
    ),
    Case(
        "api:member_ratings",
        "GET",
        row(401, 404, 404, 200, 404, 404),
        kwargs={"team_id": "team", "user_id": "learner"},
        missing="user_id",
    ),
    Case(
        "api:add_member_rating",
        "POST",
        row(401, 404, 404, 201, 404, 404),
        kwargs={"team_id": "team", "user_id": "learner"},
        data={"competency": "mlops", "level": 3},
        json=True,
        missing="user_id",
    ),
    Case("api:list_time_entries", "GET", API_LOGGED_IN),
    Case(
        "api:create_time_entry",
        "POST",
        row(401, 201, 201, 201, 201, 201),
        data={"course": "SOLO", "date": "2024-01-02", "minutes": 30},
        json=True,
    ),
    Case(
        "api:delete_time_entry",
        "DELETE",
        row(401, 204, 404, 404, 404, 404),
        kwargs={"entry_id": "entry"},
        missing="entry_id",
    ),
    Case(
        "api:update_time_entry",
        "PATCH",
        row(401, 200, 404, 404, 404, 404),
        kwargs={"entry_id": "entry"},
        data={"minutes": 45},
        json=True,
        missing="entry_id",
    ),
    Case("api:list_certificates", "GET", API_LOGGED_IN),
    Case(
        "api:create_certificate",
        "POST",
        row(401, 201, 201, 201, 201, 201),
        data={"course": "SOLO", "issued": "2024-01-02", "expires": "2027-01-02"},
        json=True,
    ),
    Case(
        "api:delete_certificate",
        "DELETE",
        row(401, 204, 404, 404, 404, 404),
        kwargs={"certificate_id": "certificate"},
        missing="certificate_id",
    ),
    Case("api:list_pauses", "GET", API_LOGGED_IN),
    Case(
        "api:create_pause",
        "POST",
        row(401, 201, 201, 201, 201, 201),
        data={"start": "2024-03-01", "end": "2024-03-10", "reason": "holiday"},
        json=True,
    ),
    Case(
        "api:delete_pause",
        "DELETE",
        row(401, 204, 404, 404, 404, 404),
        kwargs={"pause_id": "pause"},
        missing="pause_id",
    ),
    Case("api:get_timer", "GET", API_LOGGED_IN),
    Case(
        "api:start_timer",
        "POST",
        row(401, 201, 201, 201, 201, 201),
        data={"course": "SOLO"},
        json=True,
    ),
    # Nobody's timer is running in the world.
    Case("api:stop_timer", "DELETE", row(401, 404, 404, 404, 404, 404)),
    Case("api:my_progress", "GET", API_LOGGED_IN),
    Case("api:my_tracks", "GET", API_LOGGED_IN),
    Case("api:my_notifications", "GET", API_LOGGED_IN),
    Case(
        "api:team_progress",
        "GET",
        row(401, 404, 404, 200, 404, 200),
        kwargs={"team_id": "team"},
        missing="team_id",
    ),
    Case(
        "api:create_assignments",
        "POST",
        row(401, 404, 404, 200, 404, 200),
        data={"team": "team", "track": "track", "due_date": FUTURE},
        json=True,
    ),
    # --- SCIM (tracker/scim): the directory's bearer token only, never a session. Off
    # here (no PARCOURS_SCIM_TOKEN): 404 for all; tests/test_scim.py covers it switched on.
    Case("scim:service_provider_config", "GET", NOWHERE),
    Case("scim:resource_types", "GET", NOWHERE),
    Case("scim:resource_type", "GET", NOWHERE, kwargs={"name": "User"}),
    Case("scim:schemas", "GET", NOWHERE),
    Case("scim:schema", "GET", NOWHERE, kwargs={"schema_id": "x"}),
    Case("scim:users", "GET", NOWHERE),
    Case("scim:users", "POST", NOWHERE, data={"userName": "x@example.test"}, json=True),
    Case("scim:user", "GET", NOWHERE, kwargs={"user_id": "learner"}),
    Case("scim:user", "DELETE", NOWHERE, kwargs={"user_id": "learner"}),
    Case("scim:groups", "GET", NOWHERE),
    Case("scim:group", "GET", NOWHERE, kwargs={"group_id": "team"}),
    Case("scim:not_found", "GET", NOWHERE, kwargs={"rest": "Nope"}),
    # --- single sign-on (tracker/sso): off here (no PARCOURS_OIDC_ISSUER), 404 for all;
    # tests/test_sso.py walks it against a real provider.
    Case("sso:login", "GET", NOWHERE),
    Case("sso:callback", "GET", NOWHERE),
    # --- admin (its own permission system: staff only) ---
    Case("admin:index", "GET", row(302, 302, 302, 302, 302, 200)),
    Case("admin:teams_assignment_changelist", "GET", row(302, 302, 302, 302, 302, 200)),
    Case("admin:teams_assignmentlog_changelist", "GET", row(302, 302, 302, 302, 302, 200)),
    Case("admin:accounts_team_changelist", "GET", row(302, 302, 302, 302, 302, 200)),
    Case("admin:accounts_team_add", "GET", row(302, 302, 302, 302, 302, 200)),
    Case("admin:accounts_user_changelist", "GET", row(302, 302, 302, 302, 302, 200)),
    Case("admin:accounts_auditevent_changelist", "GET", row(302, 302, 302, 302, 302, 200)),
    Case("admin:teams_invitation_changelist", "GET", row(302, 302, 302, 302, 302, 200)),
]

# The admin's own URLs are many (one set per model); the cases above sample them and
# Django's admin checks is_staff for all of them in one place (AdminSite.has_permission).
NOT_ENUMERATED_NAMESPACES = {"admin"}


def _request(client, method: str, url: str, case: Case, world: World):
    data = case.data
    if data is not None and case.json:
        data = {k: world.values.get(v, v) if isinstance(v, str) else v for k, v in data.items()}
        return getattr(client, method.lower())(
            url, json.dumps(data), content_type="application/json"
        )
    if method == "GET":
        return client.get(url)
    return getattr(client, method.lower())(url, data or {})


# The catalogue's URLs by tracker/pages' names: the composed pages answer them (the
# courses: names reverse to the same URLs, so the rows above reach these views too).
CASES += [
    replace(case, name=case.name.replace("courses:", "pages:"))
    for case in CASES
    if case.name in {"courses:catalogue", "courses:course", "courses:track", "courses:compare"}
]
READS = [c for c in CASES if c.method == "GET"]
WRITES = [c for c in CASES if c.method != "GET"]


def client_for(personas, world: World, who: str):
    if who == "invited":
        client = Client()
        client.force_login(world.values["invited_user"])
        return client
    return personas.client_for(None if who == "anonymous" else who)


@pytest.mark.parametrize("case", READS, ids=lambda c: f"{c.method} {c.name}")
def test_read_access(personas, world, case: Case):
    """Reads change nothing: one world serves every persona."""
    url = world.url(case)
    got = {}
    for who in MATRIX_PERSONAS:
        got[who] = _request(client_for(personas, world, who), case.method, url, case, world)
        got[who] = got[who].status_code
    assert got == case.expected, f"{case.method} {url}"


@pytest.mark.parametrize("who", MATRIX_PERSONAS)
@pytest.mark.parametrize("case", WRITES, ids=lambda c: f"{c.method} {c.name}")
def test_write_access(personas, world, case: Case, who: str):
    """Writes get a fresh world per persona: one persona's write never hides another's."""
    client = client_for(personas, world, who)
    response = _request(client, case.method, world.url(case), case, world)
    assert response.status_code == case.expected[who], (
        f"{case.method} {world.url(case)} as {who}: {response.status_code}"
    )


@pytest.mark.parametrize(
    "case", [c for c in CASES if c.missing], ids=lambda c: f"{c.method} {c.name}"
)
def test_an_unknown_id_answers_404(personas, world, case: Case):
    allowed = [who for who in MATRIX_PERSONAS if who != "anonymous" and case.expected[who] < 400]
    who = "learner" if "learner" in allowed else allowed[0]
    response = _request(
        client_for(personas, world, who), case.method, world.url(case, missing=True), case, world
    )
    assert response.status_code == 404


def _patterns(patterns, namespace: str = "", prefix: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            full = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
            if full in NOT_ENUMERATED_NAMESPACES:
                continue
            yield from _patterns(pattern.url_patterns, full, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            if pattern.name is None:
                yield "/" + prefix + str(pattern.pattern)
            else:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_url_pattern_is_in_the_matrix():
    listed = {case.name for case in CASES}
    missing = sorted(set(_patterns(get_resolver().url_patterns)) - listed)
    assert not missing, f"URL patterns without an access-matrix row: {missing}"
