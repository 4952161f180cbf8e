"""YAML 1.1's implicit types never change what the author wrote.

PyYAML reads `0123` as the octal 83, `1:30` as the sexagesimal 90, `yes`/`no`/`on`/`off` as
booleans and `2026-01-05` as a date: a catalogue file written by hand would import with a
silently wrong value. Plain scalars stay text; the readers that want numbers parse them.
"""

from decimal import Decimal

import pytest
from django.utils import translation

from courses.importing import import_catalogue
from courses.importing.parsing import read_file
from courses.importing.safe_yaml import load_frontmatter_yaml
from courses.importing.specs import SourceFile
from courses.models import Course
from tests.importer_helpers import TRACK_MD


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def read(text: str, name: str = "c.md"):
    return read_file(SourceFile(name, text.encode(), 0))


def course(**fields: str) -> str:
    values = {"id": "C-1", "nom": "Cours", "effort": "20h", **fields}
    return "---\n" + "".join(f"{k}: {v}\n" for k, v in values.items()) + "---\nCorps.\n"


def test_plain_scalars_keep_the_characters_the_author_wrote():
    data, _lines = load_frontmatter_yaml(
        "a: 0123\nb: 1:30\nc: yes\nd: off\ne: 2026-01-05\nf: 1_000\ng: 0x1F\nh: 49.90\n"
        "i: .inf\nj: 1e3\nyes: key\n"
    )
    assert data == {
        "a": "0123",
        "b": "1:30",
        "c": "yes",
        "d": "off",
        "e": "2026-01-05",
        "f": "1_000",
        "g": "0x1F",
        "h": "49.90",
        "i": ".inf",
        "j": "1e3",
        "yes": "key",
    }


def test_null_is_still_nothing():
    data, _lines = load_frontmatter_yaml("a: ~\nb: null\nc:\nd: NULL\n")
    assert data == {"a": None, "b": None, "c": None, "d": None}


def test_an_id_with_a_leading_zero_keeps_it():
    parsed = read(course(id="0123"))
    assert parsed.errors == []
    assert parsed.spec.code == "0123"


@pytest.mark.parametrize(
    ("key", "value", "field"),
    [
        ("nom", "yes", "title"),
        ("institution", "on", "provider"),
        ("badge", "no", "badge"),
        ("statut", "off", "status"),
        ("statut", "2026-01-05", "status"),
        ("prix", "49.90", "price"),
        ("prix", "1_000", "price"),
        ("institution", "0777", "provider"),
    ],
)
def test_text_fields_keep_the_characters_the_author_wrote(key, value, field):
    parsed = read(course(**{key: value}))
    assert parsed.errors == []
    assert getattr(parsed.spec, field) == value


def test_an_effort_written_like_a_clock_is_hours_and_minutes():
    parsed = read(course(effort="1:30", rythme="0:45"))
    assert parsed.errors == []
    assert parsed.spec.effort_hours == Decimal("1.5")
    assert parsed.spec.weekly_hours == Decimal("0.75")


def test_competency_names_and_metadata_keep_their_text():
    parsed = read(course(competences="[MLOps, yes, 2026]", session="2026-01-05", audit="no"))
    assert parsed.spec.competency_names == ["MLOps", "yes", "2026"]
    assert parsed.spec.metadata == {"session": "2026-01-05", "audit": "no"}


def test_track_target_levels_are_read_from_their_digits():
    text = TRACK_MD.replace("mlops: 3", "mlops: 03").replace("ml-literacy: 2", 'ml-literacy: "2"')
    parsed = read(text, "track.md")
    assert parsed.errors == []
    assert parsed.spec.targets == {"mlops": 3, "ml-literacy": 2}


@pytest.mark.parametrize("level", ["yes", "2.5", "6", "0x3", "1:30"])
def test_a_target_level_that_is_not_a_whole_number_from_1_to_5_is_refused_with_its_line(level):
    parsed = read(TRACK_MD.replace("mlops: 3", f"mlops: {level}"), "track.md")
    assert [(e.line, "whole number from 1 to 5" in e.message) for e in parsed.errors] == [
        (11, True)
    ]


@pytest.mark.django_db
def test_an_imported_course_stores_the_values_as_written(tmp_path):
    (tmp_path / "c.md").write_text(
        "---\nid: 0123\nnom: yes\nprix: 49.90\nstatut: 2026-01-05\neffort: 1:30\n---\nCorps.\n"
    )
    report = import_catalogue([tmp_path])
    assert report.ok and report.created == ["0123"]
    course = Course.objects.get()
    assert (course.code, course.title, course.price, course.status, course.effort_hours) == (
        "0123",
        "yes",
        "49.90",
        "2026-01-05",
        Decimal("1.5"),
    )
