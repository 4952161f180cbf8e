"""A second track reuses courses (issue 18): a phase of its track.md lists course ids of
another track under `options`; the course stays one course (one plan, one set of hours)
and is an option of both phases."""

import pytest
from django.utils import translation

from courses.importing import import_catalogue
from courses.models import Course, Phase, PhaseOption
from tests.importer_helpers import FRAMEWORK_MD, TRACK_MD, course_md, write_catalogue

pytestmark = pytest.mark.django_db

ESSENTIALS_MD = """---
id: essentials
nom: "L'essentiel"
name_en: "Essentials"
phases:
  - code: P1
    nom: "Tout en un"
    name_en: "All in one"
    options: [P1-A, P4-A]
targets:
  mlops: 2
---
Court.
"""


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def catalogue(tmp_path):
    return write_catalogue(
        tmp_path / "cat",
        {
            "competencies.md": FRAMEWORK_MD,
            "ai-po/track.md": TRACK_MD,
            "ai-po/p1-a.md": course_md("P1-A"),
            "ai-po/p4-a.md": course_md("P4-A", effort="90h"),
            "essentials/track.md": ESSENTIALS_MD,
        },
    )


def _options(track, phase):
    return sorted(
        Phase.objects.get(track__code=track, code=phase).options.values_list("code", flat=True)
    )


def test_a_phase_offers_courses_of_another_track_which_keep_their_home(catalogue):
    report = import_catalogue([catalogue])
    assert report.ok, report.errors
    assert _options("essentials", "P1") == ["P1-A", "P4-A"]
    assert _options("ai-po", "P1") == ["P1-A"]
    assert _options("ai-po", "P4") == ["P4-A"]
    course = Course.objects.get(code="P4-A")
    assert course.phase.track.code == "ai-po"  # its home, from its id and folder
    assert sorted(course.phases.values_list("track__code", flat=True)) == ["ai-po", "essentials"]
    assert Course.objects.count() == 2  # reused, not copied


def test_reimporting_keeps_one_row_per_phase_and_course_and_follows_the_file(catalogue):
    import_catalogue([catalogue])
    import_catalogue([catalogue])
    assert PhaseOption.objects.count() == 4
    (catalogue / "essentials/track.md").write_text(ESSENTIALS_MD.replace(", P4-A", ""))
    assert import_catalogue([catalogue]).ok
    assert _options("essentials", "P1") == ["P1-A"]
    assert _options("ai-po", "P4") == ["P4-A"]  # the home row is not the track's to drop


def test_a_phase_listing_an_unknown_course_is_an_error_and_nothing_is_written(catalogue):
    (catalogue / "essentials/track.md").write_text(ESSENTIALS_MD.replace("P4-A]", "P9-Z]"))
    report = import_catalogue([catalogue])
    assert not report.ok
    [error] = report.errors
    assert error.file.endswith("essentials/track.md") and error.line == 9  # the `options` line
    assert "P9-Z" in error.message and "not in the catalogue" in error.message
    assert not Course.objects.exists()


def test_options_must_be_a_list_of_ids(catalogue):
    (catalogue / "essentials/track.md").write_text(
        ESSENTIALS_MD.replace("[P1-A, P4-A]", '"P1-A, P4-A"')
    )
    report = import_catalogue([catalogue])
    assert not report.ok
    assert "must be a list of course ids" in report.errors[0].message


def test_a_track_cannot_list_its_own_course_as_shared(catalogue):
    track = TRACK_MD.replace('nom: "Fondamentaux"', 'nom: "Fondamentaux"\n    options: [P1-A]')
    (catalogue / "ai-po/track.md").write_text(track)
    report = import_catalogue([catalogue])
    assert not report.ok
    assert "its id places it" in report.errors[0].message


def test_the_bundled_catalogue_has_a_second_track_reusing_courses():
    report = import_catalogue(["courses/catalogue"])
    assert report.ok, report.errors
    essentials = Phase.objects.filter(track__code="ai-product-owner-essentials")
    assert essentials.count() == 4
    for phase in essentials:
        assert phase.name_en and phase.name_fr
        homes = set(phase.options.values_list("phase__track__code", flat=True))
        assert homes == {"ai-product-owner"}, phase.code  # every option is reused


def test_the_catalogue_filter_finds_a_reused_course_under_either_track(catalogue):
    from courses.selectors import CourseFilters, course_list

    import_catalogue([catalogue])

    def codes(**filters):
        return sorted(c.code for c in course_list(filters=CourseFilters(**filters)))

    assert codes(track="essentials") == ["P1-A", "P4-A"]
    assert codes(track="essentials", phase="P1") == ["P1-A", "P4-A"]
    assert codes(track="ai-po", phase="P4") == ["P4-A"]
    assert codes(track="ai-po") == ["P1-A", "P4-A"]
