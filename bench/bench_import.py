"""Catalogue import throughput: 1,000 generated course files (plus a track and the
framework) against a baseline that parses, renders and sanitises the same files with no
database. Prints files/s for the baseline, the first import and an unchanged re-import.

    .venv/bin/python bench/bench_import.py [--files N]

Runs on a temporary SQLite database (PARCOURS_VAR_DIR is set to a temp dir before
Django starts), so it never touches var/. Aims (issue 2): full import >= 50% of the
baseline; unchanged re-import >= 5x faster than the first.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BODY = """# {title}

## Description
Un cours généré pour la mesure : apprentissage automatique, évaluation de modèles,
gestion des données et IA responsable. **Gras**, *italique* et `code`.

## Programme
### Cours 1 : Fondements ({h1}h)
- Comprendre les concepts
- Types d'algorithmes
### Cours 2 : Projets ML ({h2}h)
- Cycle de vie des données
- MLOps : déploiement

| Semaine | Sujet |
|---|---|
| 1 | Introduction |
| 2 | Pratique |

## Compétences acquises
- **MLOps** : Déploiement et maintenance
- **Machine Learning** : Concepts
- **Évaluation de modèles** : Métriques
- **Compétence inconnue {n}** : reste telle quelle
"""


def generate(folder: Path, count: int) -> None:
    sys.path.insert(0, str(ROOT))
    from tests.importer_helpers import FRAMEWORK_MD, TRACK_MD

    (folder / "competencies.md").write_text(FRAMEWORK_MD, encoding="utf-8")
    track = folder / "ai-po"
    track.mkdir()
    (track / "track.md").write_text(TRACK_MD, encoding="utf-8")
    for n in range(count):
        code = f"course-{n:04d}"
        title = f"Cours de mesure numéro {n}"
        front = (
            f'---\nid: "{code}"\nnom: "{title}"\ninstitution: "Université {n % 7}"\n'
            f'effort: "{20 + n % 50}h ({4 + n % 3} semaines à 5h/semaine)"\n'
            f'prix: "{"Gratuit" if n % 2 else "49 €/mois"}"\nprestige: "{n % 6}/5"\n'
            f'url: "https://example.test/{n}"\n---\n'
        )
        (track / f"{code}.md").write_text(
            front + BODY.format(title=title, h1=10 + n % 5, h2=8 + n % 4, n=n), encoding="utf-8"
        )


def baseline(folder: Path) -> int:
    """Read, decode, parse, render and sanitise every file: no database."""
    from courses.importing.parsing import read_file
    from courses.importing.service import read_source

    count = 0
    for path in sorted(folder.rglob("*.md")):
        parsed = read_file(read_source(path, str(path)))
        assert not parsed.errors, parsed.errors
        count += 1
    return count


def timed(action, *args):
    """(seconds, result) of one call."""
    start = time.perf_counter()
    result = action(*args)
    return time.perf_counter() - start, result


def show(label: str, files: int, seconds: float) -> None:
    print(f"{label:<28} {seconds:8.3f} s  {files / seconds:10.1f} files/s")


def empty_catalogue() -> None:
    from courses.models import Competency, CompetencyDomain, Course, ImportRun, Track

    for model in (Course, Track, Competency, CompetencyDomain, ImportRun):
        model.objects.all().delete()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="rounds on an emptied database; the best time of each measure is kept, so "
        "that a busy machine does not decide the ratios",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="parcours-bench-") as tmp:
        tmp_path = Path(tmp)
        os.environ["PARCOURS_VAR_DIR"] = str(tmp_path / "var")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
        os.environ.setdefault("DJANGO_DEBUG", "1")
        os.environ.pop("DATABASE_URL", None)
        (tmp_path / "var").mkdir()
        import django

        django.setup()
        from django.core.management import call_command

        from courses.importing import import_catalogue
        from courses.models import Course

        call_command("migrate", verbosity=0)
        folder = tmp_path / "catalogue"
        folder.mkdir()
        generate(folder, args.files)
        files = args.files + 2
        print(f"{files} files ({args.files} courses, a track, the framework), SQLite")

        times: dict[str, list[float]] = {"baseline": [], "first": [], "second": []}
        for _round in range(args.rounds):
            empty_catalogue()
            seconds, _count = timed(baseline, folder)
            times["baseline"].append(seconds)
            seconds, first_report = timed(import_catalogue, [folder])
            times["first"].append(seconds)
            seconds, second_report = timed(import_catalogue, [folder])
            times["second"].append(seconds)
            assert first_report.ok and len(first_report.created) == files, first_report.errors
            assert len(second_report.unchanged) == files and not second_report.updated
            assert Course.objects.count() == args.files
        base, first, second = (min(times[k]) for k in ("baseline", "first", "second"))
        print(f"best of {args.rounds} rounds:")
        show("baseline (no database)", files, base)
        show("first import", files, first)
        show("unchanged re-import", files, second)
        print(f"full import / baseline throughput: {base / first:6.2f}  (aim >= 0.50)")
        print(f"first / unchanged re-import time:  {first / second:6.2f}  (aim >= 5)")


if __name__ == "__main__":
    main()
