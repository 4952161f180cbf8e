"""Readiness, its own dimension beside progress: only the latest validity of a renewed
certificate counts (feed, flags); expired certificates on the dashboard and the competency
view; the manager's readiness board (consent, filters, CSV, a fixed number of queries)."""

import csv
import datetime
import io

import pytest
import time_machine
from django.urls import reverse

from tests.factories import make_competency, make_course, make_snapshot, make_user
from tracker.accounts.models import Membership
from tracker.certificates import selectors, services
from tracker.certificates.models import EXPIRY_WARNING_DAYS, Certificate
from tracker.certificates.services import CertificateInput
from tracker.exports.calendar import calendar_events
from tracker.reminders.certificate_kinds import STAGES
from tracker.teams import services as team_services

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def frozen_today(personas):
    for user in (personas.learner, personas.manager):
        user.language = "en"
        user.timezone = "UTC"
        user.save(update_fields=["language", "timezone"])
    with time_machine.travel(datetime.datetime(2026, 6, 15, 12, tzinfo=datetime.UTC), tick=False):
        yield


def record(user, **overrides) -> Certificate:
    values = {"title": "Cert", "issued_on": datetime.date(2024, 6, 1)}
    values.update(overrides)
    return services.certificate_record(user=user, data=CertificateInput(**values))


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def test_the_flag_the_board_and_the_reminders_share_one_horizon():
    assert max(STAGES) == EXPIRY_WARNING_DAYS == 60


# --- Renewal: history kept, only the latest validity counts ------------------------------


def test_the_feed_carries_only_the_latest_validity_of_a_renewed_certificate(personas):
    course = make_course("REN-F")
    old = record(personas.learner, course=course, expires_on=days(10))
    new = record(personas.learner, course=course, issued_on=TODAY, expires_on=days(3 * 365))
    other = record(personas.learner, title="Other", expires_on=days(20))
    ids = {e.object_id for e in calendar_events(user=personas.learner) if e.kind == "certificate"}
    assert ids == {new.pk, other.pk}
    assert old.pk not in ids


def test_the_certificates_page_shows_a_renewed_one_as_renewed_not_expired(learner_client, personas):
    course = make_course("REN-L", title="Azure AI Engineer")
    record(personas.learner, course=course, title="Old one", expires_on=days(-5))
    record(personas.learner, course=course, title="New one", issued_on=TODAY, expires_on=days(900))
    page = learner_client.get(reverse("certificates:list")).text
    assert "Old one" in page  # history kept
    assert "Renewed" in page
    assert "Expired on" not in page


def test_readiness_sorts_current_certificates_by_state(personas):
    user = personas.learner
    record(user, title="Gone", expires_on=days(-1))
    record(user, title="Soon", expires_on=days(EXPIRY_WARNING_DAYS))
    record(user, title="Later", expires_on=days(EXPIRY_WARNING_DAYS + 1))
    record(user, title="Forever")
    # Renewed: the expired one's history does not count.
    record(user, title="Renewed", expires_on=days(-30))
    record(user, title="renewed", issued_on=TODAY, expires_on=days(400))
    readiness = selectors.readiness_for_user(user=user, today=TODAY)
    assert [c.title for c in readiness.expired] == ["Gone"]
    assert [c.title for c in readiness.expiring] == ["Soon"]
    assert [c.title for c in readiness.valid] == ["Later", "renewed", "Forever"]


def test_a_certificate_that_never_expires_is_current_and_renews_only_once(personas):
    """It is not renewed by itself; of two that never expire (same title), or two
    expiring the same day, the one recorded last is the latest validity."""
    user = personas.learner
    alone = record(user, title="Forever")
    assert list(selectors.current_certificates()) == [alone]
    newer = record(user, title="forever", issued_on=TODAY)
    assert list(selectors.current_certificates()) == [newer]
    first = record(user, title="Same day", expires_on=days(100))
    second = record(user, title="Same day", expires_on=days(100))
    current = set(selectors.current_certificates())
    assert second in current and first not in current


# --- The learner's dashboard and competency view -----------------------------------------


def test_the_dashboard_shows_an_expired_certificate_while_its_course_stays_done(
    learner_client, personas
):
    course = make_course("DONE-1", title="Kubernetes Admin")
    record(personas.learner, course=course, title="CKA", expires_on=days(-3))
    dashboard = learner_client.get(reverse("dashboard")).text
    assert "Readiness" in dashboard
    assert "CKA" in dashboard and "Expired on" in dashboard
    assert "The course stays done" in dashboard
    plan = personas.learner.plans.get(course=course)
    assert plan.done_on is not None


def test_the_competency_view_names_competencies_resting_on_an_expired_certificate(
    learner_client, personas
):
    lapsed = make_competency("cloud-ops", name_en="Cloud operations")
    fine = make_competency("ml-basics", name_en="ML basics")
    make_snapshot(personas.learner, {"cloud-ops": 3, "ml-basics": 2})
    course = make_course("OPS-1", competencies=[lapsed])
    other = make_course("ML-1", competencies=[fine])
    record(personas.learner, course=course, title="Ops cert", expires_on=days(-3))
    record(personas.learner, course=other, title="ML cert", expires_on=days(300))
    page = learner_client.get(reverse("assessments:history")).text
    assert "rest on an expired certificate" in page
    section = page.split("rest on an expired certificate", 1)[1].split("</section>", 1)[0]
    assert "Cloud operations" in section and "Ops cert" in section
    assert "ML basics" not in section
    # Renewed: nothing rests on an expired certificate any more.
    record(personas.learner, course=course, title="Ops cert", issued_on=TODAY, expires_on=days(900))
    assert (
        "rest on an expired certificate"
        not in learner_client.get(reverse("assessments:history")).text
    )


# --- The manager's readiness board -------------------------------------------------------


def board_url(team, **query) -> str:
    url = reverse("teams:readiness", args=[team.pk])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def test_the_team_page_links_to_the_readiness_board(personas):
    page = personas.client_for("manager").get(reverse("teams:detail", args=[personas.team.pk]))
    assert board_url(personas.team) in page.text


def test_the_board_lists_each_members_certificates_by_state(personas):
    record(personas.learner, title="Gone", expires_on=days(-1))
    record(personas.learner, title="Soon", expires_on=days(30))
    record(personas.learner, title="Fine", expires_on=days(400))
    page = personas.client_for("manager").get(board_url(personas.team)).text
    assert "Léa Learner" in page
    for title in ("Gone", "Soon", "Fine"):
        assert title in page
    assert "status-overdue" in page and "status-behind" in page


def test_the_board_shows_only_members_who_accepted(personas):
    """Consent: an invited person who has not answered, and someone who left, are not
    on the board, whatever certificates they hold."""
    invited = make_user("invited@example.test", name="Ivy Invited")
    team_services.invitation_create(
        team=personas.team, inviter=personas.manager, email=invited.email
    )
    record(invited, title="Invited secret", expires_on=days(-1))
    left = make_user("left@example.test", name="Lou Left")
    Membership.objects.create(team=personas.team, user=left)
    record(left, title="Left secret", expires_on=days(-1))
    Membership.objects.filter(team=personas.team, user=left).delete()
    record(personas.other_learner, title="Other team secret", expires_on=days(-1))
    page = personas.client_for("manager").get(board_url(personas.team)).text
    assert "Léa Learner" in page
    for secret in ("Ivy Invited", "Invited secret", "Lou Left", "Left secret", "Other team secret"):
        assert secret not in page


@pytest.mark.parametrize(
    ("state", "shown", "hidden"),
    [
        ("expired", "Léa Learner", "Zoé Ready"),
        ("expiring", "Zoé Ready", "Léa Learner"),
    ],
)
def test_the_board_filters_members_by_state(personas, state, shown, hidden):
    ready = make_user("ready@example.test", name="Zoé Ready")
    Membership.objects.create(team=personas.team, user=ready)
    record(personas.learner, title="Gone", expires_on=days(-1))
    record(ready, title="Soon", expires_on=days(10))
    page = personas.client_for("manager").get(board_url(personas.team, state=state)).text
    assert shown in page and hidden not in page


def test_the_board_filters_by_name(personas):
    ready = make_user("ready@example.test", name="Zoé Ready")
    Membership.objects.create(team=personas.team, user=ready)
    page = personas.client_for("manager").get(board_url(personas.team, q="zoé")).text
    assert "Zoé Ready" in page and "Léa Learner" not in page


def test_a_bad_filter_re_renders_with_the_message_at_the_field(personas):
    response = personas.client_for("manager").get(board_url(personas.team, state="bogus"))
    assert response.status_code == 200
    assert "Select a valid choice" in response.text


def test_the_board_csv_has_one_row_per_certificate_in_the_asked_dialect(personas):
    record(personas.learner, title="=HYPERLINK(1)", expires_on=days(-1))
    record(personas.learner, title="Soon", expires_on=days(30))
    client = personas.client_for("manager")
    url = reverse("teams:readiness_export", args=[personas.team.pk])
    response = client.get(url + "?dialect=semicolon")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:3] == ["Name", "Email", "Certificate"]
    body = {r[2]: r for r in rows[1:]}
    assert body["'=HYPERLINK(1)"][-1] == "expired"  # made inert
    assert body["Soon"][-1] == "expiring"
    expired_only = client.get(url + "?state=expired").content.decode("utf-8-sig")
    assert "Soon" not in expired_only and "HYPERLINK" in expired_only
    assert client.get(url + "?dialect=tab").status_code == 400


def test_a_member_without_certificates_has_one_empty_row_in_the_csv(personas):
    response = personas.client_for("manager").get(
        reverse("teams:readiness_export", args=[personas.team.pk])
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["Léa Learner"]
    assert rows[1][2] == ""


@pytest.mark.parametrize("size", [3, 30])
def test_the_board_runs_a_fixed_number_of_queries(personas, django_assert_num_queries, size):
    for i in range(size):
        member = make_user(f"m{i}@example.test", name=f"Member {i:02d}")
        Membership.objects.create(team=personas.team, user=member)
        record(member, title=f"Cert {i}", expires_on=days(i - 5))
        record(member, title=f"Cert {i}", issued_on=TODAY, expires_on=days(500))  # renewed
    client = personas.client_for("manager")
    client.get(board_url(personas.team))
    # session, user, team, members, certificates (renewed excluded in the same query),
    # the notifications badge
    with django_assert_num_queries(6):
        response = client.get(board_url(personas.team))
    assert response.status_code == 200
    assert response.text.count('class="readiness-member"') == size + 1


def test_the_board_and_the_panels_speak_french(personas):
    for user in (personas.learner, personas.manager):
        user.language = "fr"
        user.save(update_fields=["language"])
    course = make_course("FR-1", competencies=[make_competency("fr-comp", name_fr="Ops")])
    record(personas.learner, course=course, title="CKA", expires_on=days(-3))
    board = personas.client_for("manager").get(board_url(personas.team)).text
    assert "Validité des certificats" in board and "Expirent sous 60\u00a0jours" not in board
    assert "Expirent sous 60 jours" in board
    for english in ("Expiring within", "With an expired certificate", "Export the board"):
        assert english not in board
    learner = personas.client_for("learner")
    dashboard = learner.get(reverse("dashboard")).text
    assert "seul son certificat est à renouveler" in dashboard
    assert "Readiness" not in dashboard
    competencies = learner.get(reverse("assessments:history")).text
    assert "Compétences qui reposent sur un certificat expiré" in competencies


@pytest.mark.parametrize("count", [1, 5])
def test_the_lapsed_competencies_take_two_queries_whatever_their_number(
    personas, django_assert_num_queries, count
):
    for i in range(count):
        competencies = [make_competency(f"c{i}-{j}") for j in range(3)]
        course = make_course(f"LAP-{i}", competencies=competencies)
        record(personas.learner, course=course, title=f"Lapsed {i}", expires_on=days(-1 - i))
    with django_assert_num_queries(2):  # expired certificates, their courses' competencies
        lapsed = selectors.competencies_on_expired_certificates(user=personas.learner, today=TODAY)
    assert len(lapsed) == 3 * count


# --- Renewing from the certificates page -------------------------------------------------


def test_renew_prefills_the_form_so_the_new_certificate_renews_the_old(learner_client, personas):
    course = make_course("REN-P", title="Azure AI Engineer")
    old = record(
        personas.learner, course=course, title="AI-102", issuer="Microsoft", expires_on=days(20)
    )
    page = learner_client.get(reverse("certificates:list")).text
    renew_url = reverse("certificates:list") + f"?renew={old.pk}#add-certificate"
    assert renew_url.replace("&", "&amp;") in page
    form = learner_client.get(reverse("certificates:list"), {"renew": old.pk}).context["form"]
    assert form.initial["title"] == "AI-102"
    assert form.initial["issuer"] == "Microsoft"
    assert form.initial["course"] == "REN-P"
    assert form.initial["issued_on"] == TODAY
    learner_client.post(
        reverse("certificates:list"),
        {
            "course": "REN-P",
            "title": "AI-102",
            "issuer": "Microsoft",
            "issued_on": TODAY.isoformat(),
            "expires_on": days(365).isoformat(),
        },
    )
    assert [c.pk for c in selectors.current_certificates()] != [old.pk]
    assert old.pk not in {c.pk for c in selectors.current_certificates()}
    assert Certificate.objects.filter(user=personas.learner).count() == 2  # history kept


def test_renewing_another_learners_certificate_answers_404(learner_client, personas):
    theirs = record(personas.other_learner, title="Not yours", expires_on=days(20))
    response = learner_client.get(reverse("certificates:list"), {"renew": theirs.pk})
    assert response.status_code == 404
    for bad in ("x", "²", "9" * 40):
        assert learner_client.get(reverse("certificates:list"), {"renew": bad}).status_code == 404


def test_the_api_says_renewed_of_a_renewed_certificate(learner_client, personas):
    old = record(personas.learner, title="PSM I", expires_on=days(-10))
    new = record(personas.learner, title="PSM I", issued_on=TODAY, expires_on=days(700))
    listed = {c["id"]: c["expiry"] for c in learner_client.get("/api/me/certificates").json()}
    assert listed == {old.pk: "renewed", new.pk: "valid"}


def test_readiness_keeps_the_same_latest_validities_as_the_sql_rule(personas):
    """`latest_validities` (Python, read by the readiness panels) and `renewed()` (SQL,
    read by the feed, the reminders and the API) are one rule written twice: on mixed
    series (same course, same title in other cases, never expiring, equal expiry dates,
    several people) they keep exactly the same certificates."""
    import random

    rng = random.Random(14)
    course, other_course = make_course("RULE-A"), make_course("RULE-B")
    people = [personas.learner, personas.other_learner]
    for _ in range(60):
        linked = rng.choice([course, other_course, None])
        record(
            rng.choice(people),
            title=rng.choice(["Scrum", "SCRUM", "scrum", "PSPO"]),
            course=linked,
            expires_on=rng.choice([None, days(-30), days(10), days(10), days(400)]),
        )
    everyone = Certificate.objects.filter(user__in=people)
    from_sql = set(
        selectors.current_certificates().filter(user__in=people).values_list("pk", flat=True)
    )
    from_python = {c.pk for c in selectors.latest_validities(everyone)}
    assert from_python == from_sql
    assert 4 < len(from_sql) < 60  # both renewed and current ones were drawn
    readiness = selectors.readiness_by_user(users=people, today=TODAY)
    assert {c.pk for r in readiness.values() for c in r.valid + r.expiring + r.expired} == from_sql
