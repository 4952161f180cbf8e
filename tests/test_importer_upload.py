"""The admin upload: staff only, a dry-run preview, a confirm step, hostile zips refused."""

import io
import stat
import struct
import zipfile

import pytest
from django.test import Client
from django.urls import reverse

from courses.models import Course, ImportRun, StagedUpload
from tests.factories import make_course, make_user
from tests.importer_helpers import FRAMEWORK_MD, SAMPLE_NAME, TRACK_MD, course_md, sample_bytes

pytestmark = pytest.mark.django_db
UPLOAD = reverse("admin:courses_import_upload")


def zip_of(members: dict[str, bytes | str], *, symlink: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, "/etc/passwd")
    return buffer.getvalue()


def upload(client, *files: tuple[str, bytes]):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {"files": [SimpleUploadedFile(name, content) for name, content in files]}
    return client.post(UPLOAD, data)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin_user():
    # Not the personas fixture: one password hash per test keeps these tests fast.
    # English: the UI follows the user's profile language (French by default).
    return make_user("admin@example.test", is_staff=True, is_superuser=True, language="en")


@pytest.fixture
def admin_client(admin_user):
    return login(admin_user)


def good_zip() -> bytes:
    return zip_of(
        {
            "cat/competencies.md": FRAMEWORK_MD,
            "cat/ai-po/track.md": TRACK_MD,
            f"cat/ai-po/{SAMPLE_NAME}": sample_bytes(),
            "cat/ai-po/notes.txt": "not a course",
        }
    )


def test_upload_page_is_for_staff_only(admin_client):
    assert login(make_user("learner@example.test")).get(UPLOAD).status_code == 302  # login
    staff = make_user(
        "staff@example.test", is_staff=True, language="en"
    )  # staff without course rights
    assert login(staff).get(UPLOAD).status_code == 403
    page = admin_client.get(UPLOAD)
    assert page.status_code == 200
    assert "Catalogue files" in page.text


def test_course_changelist_links_to_the_upload(admin_client):
    page = admin_client.get(reverse("admin:courses_course_changelist"))
    assert UPLOAD in page.text


def test_zip_upload_previews_then_confirm_writes(admin_client, admin_user):
    response = upload(admin_client, ("catalogue.zip", good_zip()))
    assert response.status_code == 302
    staged = StagedUpload.objects.get()
    assert Course.objects.count() == 0, "the preview writes nothing"
    preview = admin_client.get(response.url)
    assert "P4-A" in preview.text and "ai-po" in preview.text
    assert "Confirm and import" in preview.text
    assert "catalogue.zip/cat/ai-po/notes.txt" in preview.text  # ignored, with a warning
    assert "Repaired mojibake" in preview.text
    assert "<script" not in preview.text.split("</head>")[1]  # strict CSP: no inline script

    confirm = admin_client.post(reverse("admin:courses_import_confirm", args=[staged.pk]))
    assert confirm.status_code == 302
    duke = Course.objects.get(code="P4-A")
    assert duke.status == "À choisir (Option A)" and duke.phase.code == "P4"
    run = ImportRun.objects.filter(dry_run=False).get()
    assert (run.user, run.source, run.ok) == (admin_user, "upload", True)
    assert ImportRun.objects.filter(dry_run=True).count() == 1
    assert not StagedUpload.objects.exists()


def test_md_files_upload_side_by_side(admin_client):
    response = upload(
        admin_client,
        ("competencies.md", FRAMEWORK_MD.encode()),
        ("track.md", TRACK_MD.encode()),
        ("p1-a.md", course_md("P1-A").encode()),
    )
    staged = StagedUpload.objects.get()
    assert sorted(staged.report["preview"]["created"]) == ["P1-A", "ai-po", "competencies"]
    admin_client.post(reverse("admin:courses_import_confirm", args=[staged.pk]))
    assert Course.objects.get(code="P1-A").phase.code == "P1"
    assert response.status_code == 302


def test_invalid_files_show_errors_and_cannot_be_confirmed(admin_client):
    upload(admin_client, ("bad.md", course_md(effort="-2h").encode()))
    staged = StagedUpload.objects.get()
    preview = admin_client.get(reverse("admin:courses_import_preview", args=[staged.pk]))
    assert "bad.md" in preview.text and "must be more than zero hours" in preview.text
    assert "Confirm and import" not in preview.text
    admin_client.post(reverse("admin:courses_import_confirm", args=[staged.pk]))
    assert Course.objects.count() == 0


def test_another_admins_staged_upload_is_a_404(admin_client):
    upload(admin_client, ("c.md", course_md().encode()))
    staged = StagedUpload.objects.get()
    client = login(make_user("admin2@example.test", is_staff=True, is_superuser=True))

    assert client.get(reverse("admin:courses_import_preview", args=[staged.pk])).status_code == 404
    confirm = client.post(reverse("admin:courses_import_confirm", args=[staged.pk]))
    assert confirm.status_code == 404
    assert Course.objects.count() == 0


def bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.md", b"0" * (60 * 1024 * 1024))
    return buffer.getvalue()


def many() -> bytes:
    return zip_of({f"c{i}.md": "x" for i in range(501)})


HOSTILE_ZIPS = [
    ("traversal", lambda: zip_of({"../../etc/evil.md": "x"}), "climbs out of its folder"),
    ("absolute", lambda: zip_of({"/etc/evil.md": "x"}), "absolute path"),
    ("windows-drive", lambda: zip_of({"C:/evil.md": "x"}), "absolute path"),
    ("symlink", lambda: zip_of({"ok.md": "x"}, symlink="link.md"), "symbolic link"),
    ("bomb", bomb, "zip bomb"),
    ("too-many", many, "more than 500"),
    ("not-a-zip", lambda: b"PK\x03\x04 garbage", "not a valid zip"),
]


@pytest.mark.parametrize(
    ("name", "make", "message"), HOSTILE_ZIPS, ids=[z[0] for z in HOSTILE_ZIPS]
)
def test_hostile_zip_is_refused_at_the_field(admin_client, name, make, message):
    response = upload(admin_client, (f"{name}.zip", make()))
    assert response.status_code == 200
    assert message in str(response.context["form"].errors["files"])
    assert not StagedUpload.objects.exists() and Course.objects.count() == 0


# --- damaged archives: each refused with a message, the catalogue as it was -----------

COURSE = course_md("C-1", effort="20h", body="Corps du cours. " * 50).encode()


def _one_member(method: int) -> bytearray:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        archive.writestr("c.md", COURSE)
    return bytearray(buffer.getvalue())


def _patched(raw: bytearray, local: int, central: int, value: int, fmt: str = "<I") -> bytes:
    """Write `value` in a field of the local header and of the central directory."""
    struct.pack_into(fmt, raw, local, value)
    struct.pack_into(fmt, raw, raw.index(b"PK\x01\x02") + central, value)
    return bytes(raw)


def bad_crc() -> bytes:
    raw = _one_member(zipfile.ZIP_STORED)
    raw[30 + len("c.md") + 10] ^= 0xFF  # a byte of the member's data
    return bytes(raw)


def size_smaller_than_data() -> bytes:
    return _patched(_one_member(zipfile.ZIP_DEFLATED), 22, 24, 10)


def size_larger_than_data() -> bytes:
    return _patched(_one_member(zipfile.ZIP_DEFLATED), 22, 24, len(COURSE) + 500)


def unknown_compression_method() -> bytes:
    return _patched(_one_member(zipfile.ZIP_STORED), 8, 10, 99, "<H")


def corrupt_deflate_stream() -> bytes:
    raw = _one_member(zipfile.ZIP_DEFLATED)
    for index in range(40, 60):
        raw[index] ^= 0x55
    return bytes(raw)


def truncated_archive() -> bytes:
    raw = _one_member(zipfile.ZIP_DEFLATED)
    return bytes(raw[: len(raw) // 2])


def truncated_member() -> bytes:
    # The central directory survives; the member's data is cut short.
    raw = _one_member(zipfile.ZIP_DEFLATED)
    central = raw.index(b"PK\x01\x02")
    return bytes(raw[: central - 30] + raw[central:])


DAMAGED_ZIPS = [
    (bad_crc, "damaged"),
    (size_smaller_than_data, "damaged"),
    (size_larger_than_data, "damaged"),
    (unknown_compression_method, "compression method"),
    (corrupt_deflate_stream, "damaged"),
    (truncated_archive, "not a valid zip"),
    (truncated_member, "damaged"),
]


@pytest.mark.parametrize(
    ("make", "message"), DAMAGED_ZIPS, ids=[z[0].__name__ for z in DAMAGED_ZIPS]
)
def test_a_damaged_zip_is_refused_with_a_message_and_the_catalogue_stays_as_it_was(
    admin_client, make, message
):
    kept = make_course("C-1", title="Le cours tel qu'il était")
    response = upload(admin_client, ("catalogue.zip", make()))
    assert response.status_code == 200
    assert message in str(response.context["form"].errors["files"])
    assert not StagedUpload.objects.exists()
    assert list(Course.objects.values_list("code", "title")) == [("C-1", kept.title)]


def test_other_file_types_are_refused(admin_client):
    response = upload(admin_client, ("evil.exe", b"MZ"))
    assert "neither a .md file nor a .zip" in str(response.context["form"].errors["files"])


def test_preview_speaks_the_admins_language(admin_user):
    admin_user.language = "fr"
    admin_user.save()
    client = login(admin_user)
    response = upload(client, ("bad.md", course_md(effort="-2h").encode()))
    preview = client.get(response.url)
    assert "doit être supérieur à zéro heure" in preview.text
    assert "Envoyer des fichiers corrigés" in preview.text


def test_import_run_page_shows_the_report_as_tables(admin_client, tmp_path):
    from courses.importing import import_catalogue

    (tmp_path / "c.md").write_text(course_md(extra="niveau: <b>x</b>\n"))
    report = import_catalogue([tmp_path])
    page = admin_client.get(reverse("admin:courses_importrun_change", args=[report.run_id]))
    assert page.status_code == 200
    assert 'id="import-diff"' in page.text and 'id="import-warnings"' in page.text
    assert "<td>C-1</td>" in page.text and "niveau" in page.text
    assert "_save" not in page.text, "a run is a record: read only"


# --- The field diff and the learners it touches -----------------------------------------


def _course_file(*, effort: str, prestige: int, modules: list[str]) -> bytes:
    body = "# Titre\n\nUn cours.\n\n" + "".join(
        f"## Module {n}: {title}\n\nTexte.\n\n" for n, title in enumerate(modules, start=1)
    )
    return course_md("C-9", effort=effort, extra=f"prestige: {prestige}\n", body=body).encode()


def _import_first(admin_client):
    upload(admin_client, ("c-9.md", _course_file(effort="120h", prestige=4, modules=["A", "B"])))
    staged = StagedUpload.objects.get()
    admin_client.post(reverse("admin:courses_import_confirm", args=[staged.pk]))
    return Course.objects.get(code="C-9")


def _plans_for(course, count: int, prefix: str = "p") -> None:
    from tracker.accounts.models import User
    from tracker.progress.models import Plan

    users = User.objects.bulk_create(
        User(email=f"{prefix}{n:05d}@example.test", name=f"Learner {n:05d}") for n in range(count)
    )
    Plan.objects.bulk_create(
        Plan(user=user, course=course, weekly_hours=2, start_date="2026-01-05") for user in users
    )


def test_the_preview_shows_each_changed_field_and_the_learners_touched(admin_client):
    course = _import_first(admin_client)
    _plans_for(course, 7)
    upload(admin_client, ("c-9.md", _course_file(effort="110h", prestige=5, modules=["A", "C"])))
    staged = StagedUpload.objects.get()
    preview = admin_client.get(reverse("admin:courses_import_preview", args=[staged.pk]))
    table = preview.text.split('id="import-course-changes"')[1].split("</table>")[0]
    assert "c-9.md" in table and "C-9" in table
    assert "effort 120 → 110 h" in table
    assert "prestige 4 → 5" in table
    assert "module added: C" in table and "module removed: B" in table
    assert "7 learners: Learner 00000, Learner 00001" in table
    assert "Learner 00005" not in table and "and 2 others" in table
    assert Course.objects.get(code="C-9").effort_hours == 120  # nothing written yet
    admin_client.post(reverse("admin:courses_import_confirm", args=[staged.pk]))
    assert Course.objects.get(code="C-9").effort_hours == 110


def test_the_learners_touched_cost_the_same_queries_for_3_and_3000_plans(admin_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from courses.importing.changes import learners_affected

    course = _import_first(admin_client)
    counts = []
    for size, prefix in ((3, "a"), (2997, "b")):
        _plans_for(course, size, prefix)
        with CaptureQueriesContext(connection) as queries:
            affected = learners_affected(["C-9"])
        counts.append(len(queries))
    assert affected["C-9"]["count"] == 3000 and len(affected["C-9"]["sample"]) == 5
    assert counts == [2, 2]


def test_staging_an_update_costs_the_same_queries_for_1_and_500_plans(admin_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    course = _import_first(admin_client)
    counts = []
    for size, prefix, effort in ((1, "a", "110h"), (499, "b", "100h")):
        _plans_for(course, size, prefix)
        StagedUpload.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            upload(admin_client, ("c-9.md", _course_file(effort=effort, prestige=4, modules=[])))
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert StagedUpload.objects.get().report["affected"]["C-9"]["count"] == 500
