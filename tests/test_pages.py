"""Pages composed in plain sight (issue 15): the learner's pages that show several apps'
data are tracker/pages' views, at the URLs they always had; no template overrides another
app's (no hook template) and no template tag reads the database."""

from __future__ import annotations

import ast
import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.template import engines
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import translation

from courses import views as courses_views
from tests.factories import make_course
from tests.progress_helpers import make_track_with_options
from tracker.pages import views as pages_views
from tracker.progress import services

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("courses", "tracker")


def template_dirs() -> list[Path]:
    return [ROOT / "templates"] + [
        path for package in PACKAGES for path in (ROOT / package).rglob("templates")
    ]


def tag_modules() -> list[Path]:
    return sorted(
        path
        for package in PACKAGES
        for path in (ROOT / package).rglob("templatetags/*.py")
        if path.name != "__init__.py"
    )


# --- No hook template ------------------------------------------------------------------


def test_no_app_overrides_another_apps_template():
    """A template path belongs to one app: the same relative path in two template
    directories is a hook (the first app in INSTALLED_APPS would win, unseen)."""
    owners: dict[str, list[Path]] = {}
    for directory in template_dirs():
        for path in directory.rglob("*.html"):
            owners.setdefault(str(path.relative_to(directory)), []).append(directory)
    assert {name: dirs for name, dirs in owners.items() if len(dirs) > 1} == {}


def test_no_hooks_directory_and_no_template_includes_one():
    for directory in template_dirs():
        assert not list(directory.rglob("hooks/*")), directory
        for path in directory.rglob("*.html"):
            assert "hooks/" not in path.read_text("utf-8"), path


# --- No template tag reads the database ----------------------------------------------------

# Modules whose functions read or write the database: a tag library imports none of them.
QUERYING_MODULES = ("models", "selectors", "services", "panels", "cache", "verdicts")


def querying_reasons(source: str) -> list[str]:
    """Why a template tag library may read the database: an import of a module that does
    (outside `if TYPE_CHECKING:`), a manager (`.objects`), or rows kept on the request."""
    tree = ast.parse(source)
    type_only = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for node in ast.walk(block)
    }
    reasons = []
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        if isinstance(node, ast.ImportFrom):
            names = [node.module or ""] + [f"{node.module or ''}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            names = []
        for name in names:
            parts = name.split(".")
            if parts[-1] in QUERYING_MODULES or name.startswith("django.db"):
                reasons.append(f"line {node.lineno}: imports {name}")
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            reasons.append(f"line {node.lineno}: reads a manager")
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "request"
            and node.attr.startswith("_")
        ):
            reasons.append(f"line {node.lineno}: keeps {node.attr} on the request")
    return reasons


def test_there_are_tag_libraries_to_check():
    assert {path.stem for path in tag_modules()} >= {"catalogue", "progress_tags", "teams_tags"}


@pytest.mark.parametrize("path", tag_modules(), ids=lambda path: path.stem)
def test_no_template_tag_library_reads_the_database(path):
    assert querying_reasons(path.read_text("utf-8")) == []


@pytest.mark.parametrize(
    "source",
    [
        # the tags this issue removed, as they were written
        "from .. import selectors\n",
        "from ..selectors import course_marks\n",
        "from tracker.accounts.models import Team\n",
        "from django.db.models import Count\n",
        "def my_teams(context):\n    return context['request'].user.teams.objects.all()\n",
        "def marks(request):\n    request._progress_course_marks = {}\n",
        "from tracker.progress import panels\n",
    ],
)
def test_the_check_finds_a_planted_querying_tag(source):
    assert querying_reasons(source)


def test_a_type_only_import_is_no_query():
    source = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..selectors import X\n"
    assert querying_reasons(source) == []


SAMPLES = [None, 0, 3, 90, "done", "on_track", Decimal("2.5"), 1.5, datetime.date(2026, 3, 9)]


@pytest.mark.django_db
def test_every_filter_runs_without_a_query():
    """Each filter of the project's libraries, called with ordinary values (and a course)
    under a query counter: none reads the database. (Tags are checked by the source
    check above.)"""
    course = make_course("Q1", hours="12")
    filters = [
        function
        for library in engines["django"].engine.template_libraries.values()
        for function in library.filters.values()
        if function.__module__.startswith(PACKAGES)
    ]
    assert {f.__name__ for f in filters} >= {"hours", "status_label", "heat_cells", "price_label"}
    called = 0
    with translation.override("en"), CaptureQueriesContext(connection) as queries:
        for function in filters:
            for value in [*SAMPLES, course]:
                for args in ((value,), (value, value), (value, "1")):
                    try:
                        function(*args)
                    except (TypeError, ValueError, AttributeError, ArithmeticError):
                        pass  # a formatting filter refusing odd input
                    else:
                        called += 1
    assert called > 20
    assert [q["sql"] for q in queries] == []


# --- The composed pages answer the URLs they always had ---------------------------------


@pytest.mark.parametrize(
    ("url", "view"),
    [
        (reverse("dashboard"), pages_views.dashboard),
        (reverse("courses:catalogue"), pages_views.catalogue),
        (reverse("courses:course", args=["X"]), pages_views.course_detail),
        (reverse("courses:track", args=["t"]), pages_views.track_detail),
        (reverse("courses:compare", args=["t", "P1"]), pages_views.phase_compare),
        # The track list shows no learner data: the catalogue's own view.
        (reverse("courses:tracks"), courses_views.track_list),
    ],
)
def test_the_learners_pages_resolve_to_the_composing_views(url, view):
    assert resolve(url).func is view


@pytest.mark.django_db
def test_courses_plain_pages_show_the_catalogue_without_learner_data(personas):
    """The catalogue's own views (no tracker import) render the same page, without the
    learner's panels; the composed page adds them."""
    track, p1, _p2, a, _b, _c = make_track_with_options()
    user = personas.learner
    services.phase_choose(user=user, phase=p1, course=a)
    request = RequestFactory().get("/")
    request.user = user
    request.htmx = False
    plain = {
        "course": courses_views.course_detail(request, a.code),
        "track": courses_views.track_detail(request, track.code),
        "compare": courses_views.phase_compare(request, track.code, p1.code),
        "catalogue": courses_views.catalogue(request),
    }
    composed = {
        "course": pages_views.course_detail(request, a.code),
        "track": pages_views.track_detail(request, track.code),
        "compare": pages_views.phase_compare(request, track.code, p1.code),
        "catalogue": pages_views.catalogue(request),
    }
    learner_marks = {
        "course": 'id="course-progress"',
        "track": 'class="track-progress"',
        "compare": 'class="gap-ranking"',
        "catalogue": "mark mark-chosen",
    }
    for page, mark in learner_marks.items():
        assert plain[page].status_code == composed[page].status_code == 200, page
        assert a.title in plain[page].text, page
        assert mark not in plain[page].text, page
        assert mark in composed[page].text, page
