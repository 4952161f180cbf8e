"""Certificates: validation at the field, the course's plan marked done, 404 for another
learner's certificate, and the expiry flag (with time-machine) on the page and dashboard."""

import datetime
import json

import pytest
import time_machine
from django.urls import reverse

from tests.factories import make_course
from tracker.certificates import services
from tracker.certificates.models import Certificate
from tracker.certificates.services import CertificateInput
from tracker.progress.models import Plan

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def frozen_today(personas):
    personas.learner.language = "en"
    personas.learner.timezone = "UTC"
    personas.learner.save(update_fields=["language", "timezone"])
    with time_machine.travel(datetime.datetime(2026, 6, 15, 12, tzinfo=datetime.UTC), tick=False):
        yield


def form_data(**overrides) -> dict:
    data = {
        "course": "",
        "title": "AWS Certified AI Practitioner",
        "issuer": "AWS",
        "issued_on": "2026-06-01",
        "expires_on": "2029-06-01",
        "credential_id": "ABC-123",
        "credential_url": "https://example.test/verify/ABC-123",
    }
    data.update(overrides)
    return data


def record(user, **overrides) -> Certificate:
    values = {"title": "Cert", "issued_on": datetime.date(2026, 6, 1)}
    values.update(overrides)
    return services.certificate_record(user=user, data=CertificateInput(**values))


def test_recording_a_certificate_for_a_course_marks_its_plan_done(learner_client, personas):
    course = make_course("P1-A", hours="10")
    response = learner_client.post(
        reverse("certificates:list"), form_data(course=course.code, title="")
    )
    assert response.status_code == 302
    certificate = Certificate.objects.get(user=personas.learner)
    assert certificate.title == course.title  # an empty title takes the course's
    plan = Plan.objects.get(user=personas.learner, course=course)  # created on the way
    assert plan.done_on == datetime.date(2026, 6, 1)
    assert plan.done_source == Plan.DoneSource.CERTIFICATE
    page = learner_client.get(reverse("certificates:list")).text
    assert "AWS" in page and "Valid until" in page and "ABC-123" in page


def test_a_free_standing_certificate_touches_no_plan(personas):
    record(personas.learner, issuer="PMI")
    assert not Plan.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"expires_on": "2026-05-01"}, "expires_on", "must be after the date issued"),
        ({"expires_on": "2026-06-01"}, "expires_on", "must be after the date issued"),
        ({"credential_url": "javascript:alert(1)"}, "credential_url", "http:// or https://"),
        ({"credential_url": "ftp://example.test/x"}, "credential_url", "http:// or https://"),
        ({"credential_url": "not a url"}, "credential_url", "http:// or https://"),
        ({"issued_on": "2026-06-16"}, "issued_on", "cannot be after today"),
        ({"issued_on": "31/02/2026"}, "issued_on", "real date"),
        ({"title": ""}, "title", "Give the certificate a title"),
        ({"course": "NOPE"}, "course", "does not exist"),
    ],
)
def test_bad_input_is_refused_with_the_message_at_the_field(
    learner_client, overrides, field, message
):
    response = learner_client.post(reverse("certificates:list"), form_data(**overrides))
    assert response.status_code == 200  # the form again, with the message
    assert message in response.context["form"].errors[field][0]
    assert f'id="id_{field}_error"' in response.text
    assert not Certificate.objects.exists()


def test_edit_and_delete_another_learners_certificate_answer_404(personas):
    theirs = record(personas.other_learner, title="Omar's PMP")
    client = personas.client_for("learner")
    edit = reverse("certificates:edit", args=[theirs.pk])
    assert client.get(edit).status_code == 404
    assert client.post(edit, form_data()).status_code == 404
    assert client.post(reverse("certificates:delete", args=[theirs.pk])).status_code == 404
    assert Certificate.objects.filter(pk=theirs.pk, title="Omar's PMP").exists()
    assert "Omar" not in client.get(reverse("certificates:list")).text


def test_delete_needs_post_and_reopens_the_plan_a_certificate_had_closed(learner_client, personas):
    course = make_course("P1-A")
    certificate = record(personas.learner, course=course)
    url = reverse("certificates:delete", args=[certificate.pk])
    assert learner_client.get(url).status_code == 405
    assert learner_client.post(url).status_code == 302
    assert not Certificate.objects.exists()
    assert Plan.objects.get(course=course).done_on is None


def test_deleting_keeps_a_plan_the_learner_marked_done_themselves(personas):
    from tracker.progress import services as progress

    course = make_course("P1-A")
    certificate = record(personas.learner, course=course)
    plan = Plan.objects.get(course=course)
    progress.plan_mark_done(plan=plan, done=True, on=datetime.date(2026, 5, 1))
    services.certificate_delete(certificate=certificate)
    assert Plan.objects.get(course=course).done_on == datetime.date(2026, 5, 1)


def test_edit_moves_the_certificate_to_another_course(learner_client, personas):
    first, second = make_course("P1-A"), make_course("P1-B")
    certificate = record(personas.learner, course=first)
    response = learner_client.post(
        reverse("certificates:edit", args=[certificate.pk]),
        form_data(course=second.code, title="Renamed"),
    )
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert (certificate.title, certificate.course) == ("Renamed", second)
    assert Plan.objects.get(course=first).done_on is None
    assert Plan.objects.get(course=second).done_source == Plan.DoneSource.CERTIFICATE


def test_edit_shows_errors_at_the_field(learner_client, personas):
    certificate = record(personas.learner)
    response = learner_client.post(
        reverse("certificates:edit", args=[certificate.pk]), form_data(expires_on="2020-01-01")
    )
    assert response.status_code == 200  # the form again, with the message
    assert 'id="id_expires_on_error"' in response.text


def test_expiry_flags_expired_and_expiring_within_60_days(personas):
    user = personas.learner
    expired = record(
        user,
        title="Old",
        issued_on=datetime.date(2024, 1, 1),
        expires_on=datetime.date(2026, 6, 14),
    )
    soon = record(user, title="Soon", expires_on=TODAY + datetime.timedelta(days=60))
    later = record(user, title="Later", expires_on=TODAY + datetime.timedelta(days=61))
    never = record(user, title="Never")
    assert expired.expiry(TODAY) == Certificate.Expiry.EXPIRED
    assert soon.expiry(TODAY) == Certificate.Expiry.EXPIRING
    assert later.expiry(TODAY) == Certificate.Expiry.VALID
    assert never.expiry(TODAY) == Certificate.Expiry.VALID


def test_the_dashboard_and_the_page_flag_certificates_to_renew(learner_client, personas):
    record(personas.learner, title="Renew me", expires_on=datetime.date(2026, 7, 1))
    record(personas.learner, title="Fine for years", expires_on=datetime.date(2030, 1, 1))
    dashboard = learner_client.get(reverse("dashboard")).text
    assert "Certificates to renew" in dashboard
    assert "Renew me" in dashboard and "Fine for years" not in dashboard
    page = learner_client.get(reverse("certificates:list")).text
    assert "Expires soon" in page and "certificate-expiring" in page
    # Two months later it has expired (a new session: the first one has expired too).
    with time_machine.travel(datetime.datetime(2026, 8, 15, 12, tzinfo=datetime.UTC)):
        later = personas.client_for("learner").get(reverse("dashboard")).text
    assert "Expired on" in later


def test_a_renewed_certificate_is_no_longer_flagged_to_renew(learner_client, personas):
    course = make_course("REN-1", title="Azure AI Engineer")
    record(personas.learner, course=course, title="Lapsing", expires_on=datetime.date(2026, 7, 1))
    record(personas.learner, title="PSPO", expires_on=datetime.date(2026, 7, 2))
    assert "Lapsing" in learner_client.get(reverse("dashboard")).text
    # Renewed: a later certificate for the same course; the same title, free-standing.
    record(personas.learner, course=course, title="Renewed", expires_on=datetime.date(2029, 7, 1))
    record(personas.learner, title="pspo", expires_on=datetime.date(2029, 7, 2))
    dashboard = learner_client.get(reverse("dashboard")).text
    assert "Certificates to renew" not in dashboard and "Lapsing" not in dashboard
    # The history stays on the certificates page.
    assert "Lapsing" in learner_client.get(reverse("certificates:list")).text


def test_the_dashboard_has_no_panel_when_nothing_expires(learner_client, personas):
    record(personas.learner, title="Forever")
    assert "Certificates to renew" not in learner_client.get(reverse("dashboard")).text


def test_the_certificates_page_is_in_the_navigation(learner_client):
    text = learner_client.get(reverse("certificates:list")).text
    assert f'href="{reverse("certificates:list")}" aria-current="page"' in text
    assert 'style="' not in text and "<script>" not in text


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(reverse("certificates:list"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_a_certificate_makes_its_course_done_everywhere(learner_client, personas):
    """45% logged, then the certificate: the course is done at 100% in the API, the track's
    forecast counts its whole effort, and the manager reads the same figures."""
    from tests.progress_helpers import make_track_with_options
    from tracker.progress import selectors as progress_selectors
    from tracker.progress import services as progress_services

    user = personas.learner
    track, p1, p2, a, _b, c = make_track_with_options()
    progress_services.track_join(user=user, track=track)
    progress_services.phase_choose(user=user, phase=p1, course=a)
    progress_services.phase_choose(user=user, phase=p2, course=c)
    progress_services.time_entry_create(user=user, course=a, date=TODAY, minutes=270)  # 4.5 h
    rows = {row["course"]: row for row in learner_client.get("/api/me/progress").json()}
    assert rows[a.code]["percent"] == 45.0

    record(user, course=a, issued_on=TODAY)

    rows = {row["course"]: row for row in learner_client.get("/api/me/progress").json()}
    assert (rows[a.code]["percent"], rows[a.code]["status"]) == (100.0, "done")
    assert rows[a.code]["logged_hours"] == 4.5  # the hours really logged stay as they are
    overview = progress_selectors.progress_overview(user=user, today=TODAY)
    track_forecast = overview.tracks[0].verdict
    assert track_forecast.percent == 25.0  # 10 h of 40 h: the whole course counts
    assert track_forecast.remaining_hours == 30.0
    assert overview.overall.percent == 25.0
    page = learner_client.get(reverse("dashboard")).text
    assert "4,5 h of 40 h (25%)" in page or "4.5 h of 40 h (25%)" in page
    manager = personas.client_for("manager")
    team = manager.get(f"/api/teams/{personas.team.pk}/progress").json()
    member = next(m for m in team["members"] if m["email"] == user.email)
    assert member["percent"] == 25.0


# --- The certificate's file ---------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _upload(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def _stored(media) -> list[str]:
    return sorted(p.name for p in media.rglob("*") if p.is_file())


def test_a_certificate_carries_its_file_served_to_its_owner_only(learner_client, personas, media):
    response = learner_client.post(
        reverse("certificates:list"), {**form_data(), "file": _upload("scan.PDF", PDF)}
    )
    assert response.status_code == 302
    certificate = Certificate.objects.get(user=personas.learner)
    assert certificate.file_type == "application/pdf" and certificate.file_name == "scan.PDF"
    assert certificate.file.name.startswith(f"certificates/{personas.learner.pk}/")
    assert certificate.file.name.endswith(".pdf")
    assert len(_stored(media)) == 1
    url = reverse("certificates:file", args=[certificate.pk])
    assert url in learner_client.get(reverse("certificates:list")).text
    response = learner_client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    for who in ("other_learner", "manager", "admin"):
        assert personas.client_for(who).get(url).status_code == 404


def test_a_certificate_without_a_file_answers_404(learner_client, personas):
    certificate = record(personas.learner)
    url = reverse("certificates:file", args=[certificate.pk])
    assert learner_client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.pdf", b"just text pretending", "Envoyez un PDF ou une image"),
        ("page.html", b"<html><script>alert(1)</script>", "Envoyez un PDF ou une image"),
        (
            "big.pdf",
            b"%PDF-" + b"0" * (5 * 1024 * 1024),
            "trop gros\u00a0: 5,0\u00a0Mio au maximum",
        ),
    ],
)
def test_a_bad_file_is_refused_at_its_field_and_nothing_is_kept(
    learner_client, personas, media, name, content, message
):
    personas.learner.language = "fr"
    personas.learner.save(update_fields=["language"])
    response = learner_client.post(
        reverse("certificates:list"), {**form_data(), "file": _upload(name, content)}
    )
    assert response.status_code == 200
    assert message in str(response.context["form"].errors["file"])
    assert 'aria-invalid="true"' in response.text
    assert not Certificate.objects.exists()
    assert _stored(media) == []


def test_replacing_or_removing_the_file_deletes_the_old_one(
    learner_client, personas, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        certificate = record(personas.learner, file=_upload("a.pdf", PDF))
    first = certificate.file.name
    edit = reverse("certificates:edit", args=[certificate.pk])
    assert "Remove the file" in learner_client.get(edit).text
    with django_capture_on_commit_callbacks(execute=True):
        learner_client.post(edit, {**form_data(), "file": _upload("b.png", PNG)})
    certificate.refresh_from_db()
    assert certificate.file.name != first and certificate.file_type == "image/png"
    assert _stored(media) == [certificate.file.name.rsplit("/", 1)[-1]]
    with django_capture_on_commit_callbacks(execute=True):
        learner_client.post(edit, {**form_data(), "remove_file": "on"})
    certificate.refresh_from_db()
    assert not certificate.file and _stored(media) == []


def test_the_file_goes_with_the_certificate_and_with_the_account(
    learner_client, personas, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        certificate = record(personas.learner, file=_upload("a.pdf", PDF))
        record(personas.learner, title="Other", file=_upload("b.pdf", PDF))
    assert len(_stored(media)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        learner_client.post(reverse("certificates:delete", args=[certificate.pk]))
    assert len(_stored(media)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        personas.learner.delete()
    assert _stored(media) == []


def test_my_data_holds_the_file_itself(learner_client, personas, media):
    import base64

    record(personas.learner, file=_upload("scan.pdf", PDF))
    response = learner_client.get(reverse("exports:json"))
    data = json.loads(
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    [certificate] = data["certificates"]
    assert certificate["file"]["name"] == "scan.pdf"
    assert certificate["file"]["content_type"] == "application/pdf"
    assert base64.b64decode(certificate["file"]["base64"]) == PDF


def test_the_linkedin_link_carries_the_certificate_details(learner_client, personas):
    from urllib.parse import parse_qs, urlsplit

    certificate = record(
        personas.learner,
        title="AI Product Management",
        issuer="Duke University",
        expires_on=datetime.date(2029, 3, 1),
        credential_id="ABC 123",
        credential_url="https://example.test/verify?id=ABC",
    )
    url = urlsplit(certificate.linkedin_url)
    assert (url.netloc, url.path) == ("www.linkedin.com", "/profile/add")
    assert parse_qs(url.query) == {
        "startTask": ["CERTIFICATION_NAME"],
        "name": ["AI Product Management"],
        "organizationName": ["Duke University"],
        "issueYear": ["2026"],
        "issueMonth": ["6"],
        "expirationYear": ["2029"],
        "expirationMonth": ["3"],
        "certUrl": ["https://example.test/verify?id=ABC"],
        "certId": ["ABC 123"],
    }
    page = learner_client.get(reverse("certificates:list")).text
    assert 'class="share-linkedin"' in page
    assert "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&amp;name=AI" in page


def test_english_dates_are_unambiguous(learner_client, personas):
    """1 Jun 2026, never 06/01/2026 (1 June in the US, 6 January in Europe)."""
    record(personas.learner, issued_on=datetime.date(2026, 6, 1))
    page = learner_client.get(reverse("certificates:list")).text
    assert '<time datetime="2026-06-01">1 Jun 2026</time>' in page
    assert "06/01/2026" not in page
