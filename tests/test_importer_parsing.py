"""Effort strings, modules and competencies from the body, and the HTML sanitiser."""

from decimal import Decimal

import pytest
from django.utils import translation

from courses.importing.effort import EffortError, parse_effort
from courses.importing.markdown import render_markdown
from courses.importing.parsing import read_file
from courses.importing.specs import SourceFile
from tests.importer_helpers import SAMPLE_NAME, course_md, sample_bytes


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("text", "hours", "weekly"),
    [
        ("90h (4 mois à 5h/semaine)", "90", "5"),
        ("120 heures", "120", None),
        ("20 hours", "20", None),
        ("1h30", "1.5", None),
        ("45 min", "0.75", None),
        ("6 semaines à 3h/semaine", "18", "3"),
        ("4 weeks at 5 hours/week", "20", "5"),
        ("3 mois à 10h/semaine", "130", "10"),
        ("10-12h", "12", None),
        ("environ 40 h", "40", None),
        ("1,5 heures", "1.5", None),
        ("2 h 30 min", "2.5", None),
        (40, "40", None),
        ("16", "16", None),
    ],
)
def test_effort_strings_are_parsed_to_hours(text, hours, weekly):
    effort = parse_effort(text)
    assert effort.hours == Decimal(hours)
    assert effort.weekly_hours == (Decimal(weekly) if weekly else None)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("-5h", "more than zero"),
        ("0h", "more than zero"),
        (-3, "more than zero"),
        ("5000 heures", "over 2000 hours"),
        ("beaucoup", "not a duration"),
        ("5h/semaine", "not a duration"),
        (None, "missing"),
    ],
)
def test_bad_effort_strings_are_errors(text, message):
    with pytest.raises(EffortError, match=message):
        parse_effort(text)


HOSTILE = """
<script>alert(1)</script>
<img src=x onerror="alert(2)">
<p onclick="steal()">clic</p>
<iframe src="https://evil.test"></iframe>
<form action="https://evil.test"><input name=p></form>
<style>body{display:none}</style>
[js](javascript:alert(3)) [data](data:text/html;base64,PHNjcmlwdD4=)
<a href="JaVaScRiPt:alert(4)">x</a>
<object data="x.swf"></object><svg onload="alert(5)"></svg>
"""


def test_sanitiser_removes_every_hostile_construct():
    html = render_markdown(HOSTILE).lower()
    for needle in (
        "<script", "alert(1)", "onerror", "onclick", "<iframe", "<form", "<input", "<style",
        "javascript:", "data:", "<object", "<svg", "onload", "<img",
    ):  # fmt: skip
        assert needle not in html, needle
    assert "clic" in html


def test_sanitiser_keeps_headings_lists_emphasis_code_tables_and_safe_links():
    html = render_markdown(
        "## Titre\n\n- **gras** et *italique* et `code`\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n[lien](https://example.test)\n"
    )
    assert "<h2>Titre</h2>" in html
    assert "<strong>gras</strong>" in html and "<em>italique</em>" in html
    assert "<code>code</code>" in html
    assert "<table>" in html and "<td>1</td>" in html
    assert '<a href="https://example.test" rel="noopener noreferrer">lien</a>' in html


def test_sample_file_gives_modules_with_hours_and_its_competency_list():
    parsed = read_file(SourceFile(SAMPLE_NAME, sample_bytes(), 0))
    assert parsed.errors == []
    spec = parsed.spec
    assert spec.code == "P4-A" and spec.phase_code == "P4" and spec.option == "A"
    assert spec.title == "AI Product Management Specialization"
    assert spec.provider == "Duke University"
    assert (spec.effort_hours, spec.weekly_hours) == (Decimal(90), Decimal(5))
    assert spec.is_free and spec.prestige == 5
    assert spec.status == "À choisir (Option A)"
    assert [(m.title, m.hours) for m in spec.modules] == [
        ("Fondements de l'apprentissage automatique pour les chefs de produit", Decimal(16)),
        ("Gérer les projets d'apprentissage automatique", Decimal(18)),
        ("Facteurs humains dans l'IA", Decimal(17)),
    ]
    assert spec.competency_names[:3] == ["Project Management", "Deep Learning", "Machine Learning"]
    assert "Évaluation de modèles" in spec.competency_names
    assert len(spec.competency_names) == 9
    assert "🏛️ Duke University" in spec.description_html


def test_competencies_key_and_body_list_are_merged_without_duplicates():
    text = course_md(
        extra='competences: ["MLOps", "IA responsable"]\n',
        body="## Skills you will gain\n- mlops\n- **Data** : gestion\n- Éthique - tout\n",
    )
    spec = read_file(SourceFile("c.md", text.encode(), 0)).spec
    assert spec.competency_names == ["MLOps", "IA responsable", "Data", "Éthique"]


def test_module_heading_parentheses_that_are_not_hours_stay_in_the_title():
    body = "### Module 2: Managing ML projects (18 h)\n### Cours 3 : Data (Lifecycle)\n"
    spec = read_file(SourceFile("c.md", course_md(body=body).encode(), 0)).spec
    assert [(m.title, m.hours) for m in spec.modules] == [
        ("Managing ML projects", Decimal(18)),
        ("Data (Lifecycle)", None),
    ]


def test_lists_written_under_a_paragraph_with_two_space_nesting_render_as_lists():
    body = (
        "**Contenu :**\n"
        "- Concepts du ML\n"
        "- Types d'algorithmes\n"
        "  - Supervisé\n"
        "  - Non supervisé\n"
        "- Cas d'usage\n"
        "\n"
        "Texte\n"
        "1. un\n"
        "2. deux\n"
    )
    html = render_markdown(body)
    assert "<p><strong>Contenu :</strong></p>" in html
    assert "<li>Types d'algorithmes<ul>" in html
    assert html.count("<ul>") == 2
    assert "<ol>" in html and "<li>deux</li>" in html


def test_four_space_nesting_and_fenced_code_are_left_as_they_mean():
    html = render_markdown("Intro\n\n- a\n    - child\n- b\n\n```\n- not a list\n```\n")
    assert html.count("<ul>") == 2 and "<li>child</li>" in html
    assert "<code>- not a list\n</code>" in html


def test_sample_course_renders_its_nested_module_lists():
    spec = read_file(SourceFile(SAMPLE_NAME, sample_bytes(), 0)).spec
    html = render_markdown(spec.body_md)
    assert "<li>Apprentissage supervisé</li>" in html
    assert "- Apprentissage" not in html
