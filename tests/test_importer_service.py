"""import_catalogue and its command: bad input named by file and line, nothing written
when anything is invalid, unchanged re-imports, tracks, framework and runs recorded."""

import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from courses.importing import import_catalogue
from courses.models import (
    Competency,
    CompetencyDomain,
    Course,
    ImportRun,
    Module,
    Phase,
    Track,
    TrackTarget,
)
from tests.importer_helpers import (
    FRAMEWORK_MD,
    SAMPLE_NAME,
    TRACK_MD,
    course_md,
    sample_bytes,
    write_catalogue,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def catalogue(tmp_path):
    """A small valid catalogue: framework, a track folder with the sample, a standalone."""
    return write_catalogue(
        tmp_path / "cat",
        {
            "competencies.md": FRAMEWORK_MD,
            "ai-po/track.md": TRACK_MD,
            f"ai-po/{SAMPLE_NAME}": sample_bytes(),
            "ai-po/p1-a.md": course_md("P1-A", effort="6 semaines à 3h/semaine"),
            "extra/standalone.md": course_md("solo", extra='competences: ["MLOps"]\n'),
        },
    )


def snapshot():
    return (
        sorted(Course.objects.values_list("code", "content_hash", "title")),
        Module.objects.count(),
        Track.objects.count(),
        Competency.objects.count(),
    )


def test_catalogue_imports_track_phases_framework_and_the_sample(catalogue):
    report = import_catalogue([catalogue])
    assert report.errors == []
    assert sorted(report.created) == ["P1-A", "P4-A", "ai-po", "competencies", "solo"]
    duke = Course.objects.get(code="P4-A")
    assert duke.title == "AI Product Management Specialization"
    assert duke.effort_text == "90h (4 mois à 5h/semaine)"
    assert duke.status == "À choisir (Option A)"
    assert "🏛️ Duke University" in duke.description_html
    assert "📝 Description" in duke.body_md
    assert (duke.effort_hours, duke.weekly_hours) == (Decimal(90), Decimal(5))
    assert duke.track.code == "ai-po" and duke.phase.code == "P4" and duke.option == "A"
    assert [m.hours for m in duke.modules.all()] == [16, 18, 17]
    # "Machine Learning" is an alias, "MLOps" a name, "Évaluation de modèles" matches
    # whatever the accents and case.
    assert set(duke.competencies.values_list("code", flat=True)) == {
        "ml-literacy",
        "mlops",
        "model-evaluation",
    }
    assert "Project Management" in duke.competency_names
    assert Course.objects.get(code="solo").track is None
    assert list(Phase.objects.values_list("code", flat=True)) == ["P1", "P4"]
    assert TrackTarget.objects.get(competency__code="mlops").level == 3
    messages = [w.message for w in report.warnings if w.file.endswith(SAMPLE_NAME)]
    assert "Repaired mojibake: the file was UTF-8 once read as Mac Roman." in messages
    assert any("'Project Management' is not in the framework" in m for m in messages)


def test_unchanged_reimport_changes_nothing_and_reports_unchanged(catalogue):
    import_catalogue([catalogue])
    before = snapshot()
    updated = list(Course.objects.values_list("code", "updated"))
    report = import_catalogue([catalogue])
    assert report.created == [] and report.updated == []
    assert sorted(report.unchanged) == ["P1-A", "P4-A", "ai-po", "competencies", "solo"]
    assert snapshot() == before
    assert list(Course.objects.values_list("code", "updated")) == updated


def test_unchanged_reimport_reads_hashes_in_one_query_and_writes_only_the_run(
    catalogue, django_assert_num_queries
):
    import_catalogue([catalogue])
    # 1 insert the run, 2 course hashes, 3 phases of the files' tracks (dropped-phase
    # warnings), 4-6 framework: any domain? its domains, its competencies,
    # 7 track hashes, 8 update the run.
    with django_assert_num_queries(8):
        import_catalogue([catalogue])


def many_courses(root, count: int, effort: str = "2h"):
    body = "### Cours 1 : A (2h)\n## Compétences acquises\n- MLOps\n"
    files = {"competencies.md": FRAMEWORK_MD, "t/track.md": TRACK_MD}
    files |= {f"t/c{i}.md": course_md(f"c{i}", effort=effort, body=body) for i in range(count)}
    return write_catalogue(root, files)


def test_query_count_does_not_grow_with_the_number_of_files(tmp_path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for count in (2, 40):
        folder = many_courses(tmp_path / str(count), count)
        with CaptureQueriesContext(connection) as first:
            import_catalogue([folder])
        many_courses(tmp_path / str(count), count, effort="3h")
        with CaptureQueriesContext(connection) as update:
            import_catalogue([folder])
        counts.append((len(first), len(update)))
        for model in (Course, Track, Competency, CompetencyDomain):
            model.objects.all().delete()
    assert counts[0] == counts[1]


def test_changed_file_is_updated_and_others_unchanged(catalogue):
    import_catalogue([catalogue])
    (catalogue / "extra/standalone.md").write_text(course_md("solo", effort="30h"))
    report = import_catalogue([catalogue])
    assert report.updated == ["solo"]
    assert Course.objects.get(code="solo").effort_hours == 30


def test_dry_run_writes_nothing_but_reports_the_diff(catalogue):
    report = import_catalogue([catalogue], dry_run=True)
    assert report.ok and "P4-A" in report.created
    assert Course.objects.count() == 0 and Track.objects.count() == 0
    assert ImportRun.objects.get().dry_run is True


def test_each_run_is_recorded_with_user_source_and_report(catalogue, personas):
    report = import_catalogue([catalogue], user=personas.admin, source="upload")
    run = ImportRun.objects.get(pk=report.run_id)
    assert (run.user, run.source, run.ok, run.dry_run) == (personas.admin, "upload", True, False)
    assert run.finished is not None
    assert run.report == report.as_dict()


def test_course_removed_from_the_files_is_kept(catalogue):
    import_catalogue([catalogue])
    (catalogue / "extra/standalone.md").unlink()
    import_catalogue([catalogue])
    assert Course.objects.filter(code="solo", is_active=True).exists()


def test_a_course_uploaded_alone_keeps_its_place_in_its_track(catalogue, tmp_path):
    import_catalogue([catalogue])
    alone = write_catalogue(tmp_path / "alone", {"p1-a.md": course_md("P1-A", effort="9h")})
    assert import_catalogue([alone]).updated == ["P1-A"]
    course = Course.objects.get(code="P1-A")
    assert course.effort_hours == 9 and course.phase.code == "P1"


# --- bad input: each names the file (and line), and the catalogue stays as it was -----

BAD_COURSES = [
    ("invalid-yaml", "---\nid: x\nnom: a: b\neffort: 2h\n---\n", 3, "Invalid YAML"),
    ("not-mapping", "---\n- a\n- b\n---\n", 2, "must be a mapping"),
    ("no-frontmatter", "# Just a title\n", 1, "No frontmatter"),
    ("unclosed", "---\nid: x\n", 1, "never closed"),
    ("missing-id", '---\nnom: "T"\neffort: "2h"\n---\n', 1, "'id' is missing"),
    ("missing-title", '---\nid: "t"\neffort: "2h"\n---\n', 1, "title is missing"),
    ("missing-effort", '---\nid: "t"\nnom: "T"\n---\n', 1, "effort is missing"),
    ("slash-id", course_md("a/b"), 2, "may only hold letters"),
    ("dotdot-id", course_md(".."), 2, "may only hold letters"),
    ("negative", course_md(effort="-5h"), 5, "more than zero"),
    ("absurd", course_md(effort="99999h"), 5, "over 2000 hours"),
    ("alias", '---\nid: &a "x"\nnom: *a\neffort: "2h"\n---\n', 2, "anchors"),
    ("alias-only", "---\nbase: {a: 1}\nid: x\nnom: T\neffort: 2h\nmore: *b\n---\n", 6, "aliases"),
    (
        "python-tag",
        '---\nid: x\nnom: !!python/object/apply:os.system ["echo hi"]\neffort: 2h\n---\n',
        3,
        "tags",
    ),
    ("binary-tag", "---\nid: x\nnom: !!binary aGVsbG8=\neffort: 2h\n---\n", 3, "tags"),
    ("binary", b"---\nid: x\n---\n\x00\x01\x02", 4, "Binary content"),
    ("undecodable", b"---\nid: x\nnom: \x81\x9d\neffort: 2h\n---\n", 3, "Undecodable"),
    ("bad-prestige", course_md(extra='prestige: "beaucoup"\n'), 6, "prestige"),
    ("bad-url", course_md(extra='url: "javascript:alert(1)"\n'), 6, "http(s)"),
    ("dup-key", "---\nid: x\nid: y\nnom: T\neffort: 2h\n---\n", 3, "appears twice"),
]


@pytest.mark.parametrize(
    ("name", "content", "line", "message"), BAD_COURSES, ids=[b[0] for b in BAD_COURSES]
)
def test_bad_course_file_is_an_error_naming_file_and_line(catalogue, name, content, line, message):
    import_catalogue([catalogue])
    before = snapshot()
    (catalogue / "extra/standalone.md").write_text(course_md("solo", effort="31h"))
    bad = catalogue / "extra" / f"{name}.md"
    bad.write_bytes(content if isinstance(content, bytes) else content.encode())
    report = import_catalogue([catalogue])
    assert not report.ok
    error = next(e for e in report.errors if e.file == str(bad))
    assert message in error.message
    assert error.line == line
    assert snapshot() == before, "nothing is written when any file is invalid"


def test_deeply_nested_yaml_is_an_error_not_a_crash(tmp_path):
    write_catalogue(tmp_path, {"c.md": "---\nid: x\nnom: " + "[" * 20_000 + "\n---\n"})
    (error,) = import_catalogue([tmp_path]).errors
    assert error.file.endswith("c.md") and "nested more than 32 levels" in error.message
    assert error.line == 3


def test_deeply_nested_markdown_is_an_error_not_a_crash(tmp_path):
    write_catalogue(tmp_path, {"c.md": course_md(body="- " * 3000 + "x\n")})
    (error,) = import_catalogue([tmp_path]).errors
    assert error.file.endswith("c.md") and "nested too deeply" in error.message
    # ...and the next file renders normally (the renderer is not left half-built).
    write_catalogue(tmp_path, {"c.md": course_md(body="<script>x</script>\n\n**ok**\n")})
    assert import_catalogue([tmp_path]).ok
    html = Course.objects.get().description_html
    assert "<p><strong>ok</strong></p>" in html and "script" not in html


def test_nan_effort_is_an_error(tmp_path):
    write_catalogue(tmp_path, {"c.md": course_md().replace('effort: "20h"', "effort: .nan")})
    (error,) = import_catalogue([tmp_path]).errors
    assert "not a duration" in error.message and error.line == 5


def test_yaml_alias_is_refused(tmp_path):
    text = "---\nbase: &b {a: 1}\nid: x\nnom: T\neffort: 2h\nmore: *b\n---\n"
    write_catalogue(tmp_path, {"c.md": text})
    (error,) = import_catalogue([tmp_path]).errors
    assert "anchors" in error.message and error.line == 2


def test_file_over_one_mebibyte_is_refused_before_parsing(tmp_path):
    write_catalogue(tmp_path, {"big.md": course_md() + "x" * (1024 * 1024)})
    (error,) = import_catalogue([tmp_path]).errors
    assert error.file.endswith("big.md") and "over the 1 MiB limit" in error.message


def test_frontmatter_over_the_cap_is_refused(tmp_path):
    write_catalogue(tmp_path, {"c.md": "---\nid: x\nnote: '" + "y" * 70_000 + "'\n---\n"})
    (error,) = import_catalogue([tmp_path]).errors
    assert "larger than 64 KiB" in error.message


def test_duplicate_ids_across_files_name_both_files(catalogue):
    (catalogue / "extra/copy.md").write_text(course_md("solo", effort="3h"))
    report = import_catalogue([catalogue])
    (error,) = report.errors
    files = {str(catalogue / "extra/copy.md"), str(catalogue / "extra/standalone.md")}
    assert error.file in files
    assert (files - {error.file}).pop() in error.message
    assert Course.objects.count() == 0


def test_duplicate_id_of_an_unchanged_file_is_still_caught(catalogue):
    import_catalogue([catalogue])
    (catalogue / "ai-po/other.md").write_text(course_md("P4-A", effort="3h"))
    report = import_catalogue([catalogue])
    assert any("Duplicate id 'P4-A'" in e.message for e in report.errors)


def test_unknown_phase_is_an_error(catalogue):
    (catalogue / "ai-po/p9-a.md").write_text(course_md("P9-A"))
    (error,) = import_catalogue([catalogue]).errors
    assert "no such phase" in error.message and error.line == 2


def test_unknown_keys_are_kept_as_metadata_with_a_warning(tmp_path):
    write_catalogue(tmp_path, {"c.md": course_md(extra="niveau: Débutant\ndate: 2024-05-01\n")})
    report = import_catalogue([tmp_path])
    assert report.ok
    assert [(w.line, w.message) for w in report.warnings] == [
        (6, "Unknown key 'niveau': kept as metadata, not shown as a field."),
        (7, "Unknown key 'date': kept as metadata, not shown as a field."),
    ]
    assert Course.objects.get().metadata == {"niveau": "Débutant", "date": "2024-05-01"}


def test_hostile_html_in_the_body_is_sanitised(tmp_path):
    body = '<script>alert(1)</script>\n\n[x](javascript:alert(2))\n\n<p onclick="x()">ok</p>\n'
    write_catalogue(tmp_path, {"c.md": course_md(body=body)})
    assert import_catalogue([tmp_path]).ok
    html = Course.objects.get().description_html
    assert "script" not in html and "javascript" not in html and "onclick" not in html


def test_target_on_an_unknown_competency_is_an_error(catalogue):
    track = TRACK_MD.replace("ml-literacy: 2", "nowhere: 2")
    (catalogue / "ai-po/track.md").write_text(track)
    (error,) = import_catalogue([catalogue]).errors
    assert "'nowhere' is not a competency" in error.message and error.line == 12


def test_competency_removed_from_the_framework_is_deactivated(catalogue):
    import_catalogue([catalogue])
    framework = FRAMEWORK_MD.split("      - id: model-evaluation")[0] + "---\n"
    (catalogue / "competencies.md").write_text(framework)
    report = import_catalogue([catalogue])
    assert report.updated == ["competencies"]
    assert not Competency.objects.get(code="model-evaluation").is_active


# --- the command ------------------------------------------------------------------------


def test_command_json_prints_exactly_one_object_of_the_contract_shape(catalogue, capsys):
    call_command("import_catalogue", str(catalogue), "--format", "json")
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"created", "updated", "unchanged", "errors", "warnings"}
    assert "P4-A" in out["created"]
    assert all(set(w) == {"file", "line", "message"} for w in out["warnings"])


def test_command_exits_1_and_reports_errors_in_json(tmp_path, capsys):
    write_catalogue(tmp_path, {"bad.md": course_md(effort="-1h")})
    with pytest.raises(CommandError) as error:
        call_command("import_catalogue", str(tmp_path), "--format", "json")
    assert error.value.returncode == 1
    out = json.loads(capsys.readouterr().out)
    assert out["errors"] == [
        {
            "file": str(tmp_path / "bad.md"),
            "line": 5,
            "message": "The effort '-1h' must be more than zero hours.",
        }
    ]


def test_command_text_output_and_dry_run(catalogue, capsys):
    call_command("import_catalogue", str(catalogue), "--dry-run")
    out = capsys.readouterr().out
    assert "Created (5)" in out and "Dry run: nothing was written." in out
    assert Course.objects.count() == 0


def test_command_missing_path_is_an_error(tmp_path):
    with pytest.raises(CommandError):
        call_command("import_catalogue", str(tmp_path / "nope"))


def test_bundled_catalogue_imports_with_no_error_and_repairs_only_the_duke_file(settings):
    report = import_catalogue([settings.PARCOURS_CATALOGUE_DIR])
    assert report.errors == []
    repaired = {w.file for w in report.warnings if "mojibake" in w.message}
    assert {f.rsplit("/", 1)[-1] for f in repaired} == {SAMPLE_NAME}
    duke = Course.objects.get(code="P4-A")
    assert duke.phase.code == "P4" and "📝 Description" in duke.body_md
    assert Course.objects.filter(phase__code="P4").count() >= 2
    again = import_catalogue([settings.PARCOURS_CATALOGUE_DIR])
    assert again.created == again.updated == [] and again.errors == []


def test_updated_course_keeps_its_module_ids(catalogue):
    # Learners tick modules off and log hours against them: a re-import that edits a
    # module must not replace it.
    import_catalogue([catalogue])
    duke = Course.objects.get(code="P4-A")
    before = dict(duke.modules.values_list("order", "id"))
    path = catalogue / f"ai-po/{SAMPLE_NAME}"
    text = path.read_bytes().replace(b"(16h)", b"(20h)", 1)
    path.write_bytes(text)
    report = import_catalogue([catalogue])
    assert report.updated == ["P4-A"]
    after = dict(duke.modules.values_list("order", "id"))
    assert after == before
    assert duke.modules.get(order=1).hours == 20


def test_module_removed_from_the_file_is_deleted(catalogue):
    import_catalogue([catalogue])
    path = catalogue / f"ai-po/{SAMPLE_NAME}"
    text = path.read_bytes()
    start = text.index(b"### Cours 3")
    end = text.index(b"## ", start + 4)
    path.write_bytes(text[:start] + text[end:])
    import_catalogue([catalogue])
    assert list(Course.objects.get(code="P4-A").modules.values_list("order", flat=True)) == [1, 2]
