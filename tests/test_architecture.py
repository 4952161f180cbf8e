"""Which app may import which: the floors of ARCHITECTURE.md, checked on every import.

Every module under tracker/ and courses/ (migrations aside) is read with `ast`; each of its
imports, at the top or inside a function (a lazy import is an arrow all the same), or under
`if TYPE_CHECKING:`, is mapped to the unit it reaches: an app, or a project module. An
import may only go down the floors of LAYERS, never up, and the units of one floor do not
import each other. The arrows that run the wrong way today are listed, one by one, in
KNOWN_WRONG_WAY with the issue that removes them; any other one fails the suite. Imports
by string (`include("...")`, importlib) and templates are not seen: ARCHITECTURE.md lists
those arrows.

Run as a script to print the app -> app arrows the check sees, wrong-way ones marked:
`.venv/bin/python tests/test_architecture.py` (`-v` lists each import).
"""

from __future__ import annotations

import ast
import functools
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("courses", "tracker")

# The floors, bottom first. A module belongs to the unit with the longest name that is its
# own or a prefix of it ("tracker.progress.views" -> "tracker.progress"; "tracker.urls" ->
# "tracker"). A unit imports from the floors below its own, never from a floor above nor
# from another unit of its floor.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("courses",),  # the catalogue: knows nothing of tracker
    ("tracker.celery",),  # the Celery app and beat's schedule: imports no app
    ("tracker.accounts",),  # users, teams and memberships, API tokens, the audit trail
    ("tracker.progress",),  # plans, time entries, weekly summaries, the verdicts
    ("tracker.assessments", "tracker.certificates"),
    ("tracker.teams",),  # assignments, invitations, the team pages
    ("tracker.exports", "tracker.reminders"),
    ("tracker.directory",),  # team membership decided by the company directory
    ("tracker.scim", "tracker.sso", "tracker.xapi"),  # the company integrations
    ("tracker.pages",),  # the learner's pages composed of several apps' data
    ("tracker",),  # the project: settings, urls, the API's mount point, views, health
)
FLOOR = {unit: level for level, units in enumerate(LAYERS) for unit in units}

# The wrong-way arrows of today, each (importing module, imported module), named by the
# issue that removes it. Only that very import is allowed: the same arrow from another
# module fails. Remove an entry with the import (test_known_wrong_way_arrows_still_exist
# says when one is gone).
KNOWN_WRONG_WAY: frozenset[tuple[str, str]] = frozenset(
    {
        # No issue removes these yet (ARCHITECTURE.md, "Wrong-way arrows of today"):
        # progress' verdicts read the due dates of teams' assignments (a lazy import).
        ("tracker.progress.verdicts", "tracker.teams.models"),
        # The services of three floors write the xAPI outbox in their own transaction.
        ("tracker.progress.services", "tracker.xapi.services"),
        ("tracker.certificates.services", "tracker.xapi.services"),
        ("tracker.assessments.services", "tracker.xapi.services"),
        # The Team admin (accounts) tells members added by an admin (teams' service).
        ("tracker.accounts.admin", "tracker.teams.services"),
        # Team services notify people in the app (reminders' notices).
        ("tracker.teams.services", "tracker.reminders.notices"),
        # The team CSV and its view use the exports' CSV dialects.
        ("tracker.teams.exports", "tracker.exports.formats"),
        ("tracker.teams.views", "tracker.exports.formats"),
        ("tracker.teams.history", "tracker.exports.formats"),  # the history CSV, the same way
    }
)


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    target: str  # the module imported (the submodule, for `from package import submodule`)
    line: int
    lazy: bool  # inside a function

    def __str__(self) -> str:
        where = " (in a function)" if self.lazy else ""
        return f"{self.module}:{self.line} imports {self.target}{where}"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def source_files() -> Iterator[Path]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def is_module(name: str) -> bool:
    """Whether `name` is a module or package of this repository."""
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def imports_of(source: str, *, module: str, is_package: bool = False) -> list[Import]:
    """Every import of one module's source, resolved to absolute module names."""
    tree = ast.parse(source)
    in_function = {
        id(node)
        for function in ast.walk(tree)
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
        for node in ast.walk(function)
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the module's package, one level up per extra dot
                package = module.split(".") if is_package else module.split(".")[:-1]
                anchor = package[: len(package) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            targets = [
                f"{base}.{alias.name}" if is_module(f"{base}.{alias.name}") else base
                for alias in node.names
            ]
        else:
            continue
        lazy = id(node) in in_function
        found += [Import(module, target, node.lineno, lazy) for target in dict.fromkeys(targets)]
    return found


@functools.cache
def all_imports() -> tuple[Import, ...]:
    return tuple(
        found
        for path in source_files()
        for found in imports_of(
            path.read_text(encoding="utf-8"),
            module=module_name(path),
            is_package=path.name == "__init__.py",
        )
    )


def unit_of(module: str) -> str | None:
    """The unit of LAYERS a module belongs to; None outside this repository's packages."""
    candidates = [unit for unit in FLOOR if module == unit or module.startswith(unit + ".")]
    return max(candidates, key=len, default=None)


def runs_wrong_way(found: Import) -> bool:
    source, target = unit_of(found.module), unit_of(found.target)
    if source is None or target is None or source == target:
        return False
    return FLOOR[target] >= FLOOR[source]


def violations(imports: Iterable[Import]) -> list[Import]:
    return [
        found
        for found in imports
        if runs_wrong_way(found) and (found.module, found.target) not in KNOWN_WRONG_WAY
    ]


def describe(found: Import) -> str:
    source, target = unit_of(found.module), unit_of(found.target)
    return f"{found}: {source} (floor {FLOOR[source]}) -> {target} (floor {FLOOR[target]})"


# --- The checks ---------------------------------------------------------------------------


def assert_imports_run_down(imports: Iterable[Import]) -> None:
    wrong = violations(imports)
    assert not wrong, (
        "These imports run up the floors of ARCHITECTURE.md (or across one floor). Call "
        "the lower app from the higher one, or compose in the page's view:\n"
        + "\n".join(describe(found) for found in wrong)
    )


def test_every_import_runs_down_the_floors():
    assert_imports_run_down(all_imports())


def test_every_app_has_a_floor():
    """A new app gets a floor in LAYERS (and a row in ARCHITECTURE.md); until then this fails."""
    apps = {
        module_name(path.parent)
        for package in PACKAGES
        for path in (ROOT / package).rglob("apps.py")
    }
    assert apps - {"tracker"} <= set(FLOOR), f"apps missing from LAYERS: {apps - set(FLOOR)}"


def test_architecture_md_shows_the_floors_of_layers():
    """The map and the check say the same: ARCHITECTURE.md's floor table row by row."""
    rows = {
        line.split("|")[1].strip(): line
        for line in (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("| ") and line.split("|")[1].strip().isdigit()
    }
    for level, units in enumerate(LAYERS):
        row = rows.get(str(level), "")
        cells = row.split("|")[2] if row else ""
        assert all(f"`{unit}`" in cells for unit in units), f"floor {level}: {units} vs {row!r}"
    assert len(rows) == len(LAYERS)


def test_known_wrong_way_arrows_still_exist():
    """An allowance whose import is gone is deleted, so the list only shrinks honestly."""
    present = {(found.module, found.target) for found in all_imports() if runs_wrong_way(found)}
    assert not KNOWN_WRONG_WAY - present, (
        "Fixed, thank you: remove these from KNOWN_WRONG_WAY (and from ARCHITECTURE.md): "
        f"{sorted(KNOWN_WRONG_WAY - present)}"
    )


# --- The check itself fails on a planted wrong-way import ---------------------------------


@pytest.mark.parametrize(
    ("path", "source", "target"),
    [
        # The catalogue imports nothing from tracker, however it is written.
        ("courses/planted.py", "from tracker.teams import x\n", "tracker.teams"),
        ("courses/planted.py", "import tracker\n", "tracker"),
        ("courses/importing/planted.py", "from tracker.accounts.models import User\n", None),
        # A lazy import is an arrow all the same.
        (
            "tracker/accounts/planted.py",
            "def f():\n    from tracker.progress.verdicts import learners_progress\n",
            "tracker.progress.verdicts",
        ),
        # So is one for type checkers only.
        (
            "tracker/progress/planted.py",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
            "    from tracker.teams.models import Assignment\n",
            "tracker.teams.models",
        ),
        # A relative import is resolved: progress reaching teams.
        ("tracker/progress/planted.py", "from ..teams import selectors\n", None),
        # Two units of one floor do not import each other.
        ("tracker/certificates/planted.py", "from tracker.assessments import models\n", None),
        # An allowance covers its one import, not the same arrow from another module.
        (
            "tracker/progress/views.py",
            "from tracker.teams.services import seed_assignments\n",
            "tracker.teams.services",
        ),
        # An app reaching the project's urls.
        ("tracker/teams/planted.py", "import tracker.urls\n", "tracker.urls"),
        # Arrows issue 15 removed stay removed: seeding from progress, and teams handing
        # the calendar feed its events (the feed calls its sources by name).
        (
            "tracker/progress/management/commands/seed_demo.py",
            "from tracker.teams.services import seed_assignments\n",
            "tracker.teams.services",
        ),
        (
            "tracker/teams/calendar.py",
            "from tracker.exports.calendar import CalendarEvent\n",
            "tracker.exports.calendar",
        ),
        ("tracker/teams/apps.py", "def ready():\n    from tracker.exports import calendar\n", None),
    ],
)
def test_the_check_fails_on_a_planted_wrong_way_import(path, source, target):
    module = module_name(ROOT / path)
    [found] = violations(imports_of(source, module=module))
    assert found.module == module
    if target:
        assert found.target == target
    # The check the suite runs fails with it, naming the import.
    with pytest.raises(AssertionError, match=re.escape(str(found))):
        assert_imports_run_down([*all_imports(), found])


@pytest.mark.parametrize(
    ("path", "source"),
    [
        ("tracker/teams/planted.py", "from tracker.progress import verdicts\n"),
        ("tracker/teams/planted.py", "def f():\n    from courses.models import Course\n"),
        ("tracker/progress/planted.py", "from .models import Plan\nfrom . import services\n"),
        ("tracker/reminders/planted.py", "from tracker.celery import app\n"),
        ("tracker/planted.py", "from tracker.teams import views\n"),
        ("courses/planted.py", "from django.db import models\nimport nh3\n"),
        # Demo seeding sits on the project's floor and seeds every floor below.
        ("tracker/demo.py", "from tracker.teams import services\n"),
        ("tracker/management/commands/seed_demo.py", "from tracker.demo import seed_demo\n"),
    ],
)
def test_downward_and_allowed_imports_pass(path, source):
    assert violations(imports_of(source, module=module_name(ROOT / path))) == []


def test_relative_imports_resolve_from_the_package():
    assert [
        found.target
        for found in imports_of(
            "from . import selectors\n"
            "from ..accounts.models import User\n"
            "from .models import Plan\n",
            module="tracker.progress.views",
        )
    ] == ["tracker.progress.selectors", "tracker.accounts.models", "tracker.progress.models"]
    [found] = imports_of("from .celery import app\n", module="tracker", is_package=True)
    assert found.target == "tracker.celery"


# --- The map, as a script -----------------------------------------------------------------


def main(argv: list[str]) -> None:
    arrows: dict[tuple[str, str], list[Import]] = defaultdict(list)
    for found in all_imports():
        source, target = unit_of(found.module), unit_of(found.target)
        if target is not None and source != target:
            arrows[source, target].append(found)
    for (source, target), found in sorted(arrows.items(), key=lambda a: (FLOOR[a[0][0]], a[0])):
        wrong = sum(runs_wrong_way(one) for one in found)
        mark = f"  WRONG WAY x{wrong}" if wrong else ""
        print(f"{source} -> {target}: {len(found)}{mark}")
        if "-v" in argv:
            for one in found:
                print(f"    {one}{'  (known)' if runs_wrong_way(one) else ''}")


if __name__ == "__main__":
    main(sys.argv[1:])
