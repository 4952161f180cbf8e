"""French typography in every French catalogue: a no-break space before ":" ";" "?" "!",
and one kind of apostrophe (U+2019). scripts/french_typography.py sets both."""

import importlib.util
import re
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = sorted(
    p for p in ROOT.glob("**/locale/fr/LC_MESSAGES/django.po") if ".venv" not in p.parts
)
# A plain space before the mark, or none after a word, a bracket or a placeholder; the mark
# followed by a space or the end ("https://", "10:30" and "?page=" are not punctuation).
PLAIN_SPACE = re.compile(r" [:;?!](?=\s|$)")
NO_SPACE = re.compile(r"[\w)\]}»%][:;?!](?=\s|$)")
# A quote HTML needs, in a translated attribute, would be written &#x27;: none are.
STRAIGHT_APOSTROPHE = "'"


def _load_script():
    spec = importlib.util.spec_from_file_location(
        "french_typography", ROOT / "scripts" / "french_typography.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


typography = _load_script()


def translations():
    for path in CATALOGUES:
        for entry in polib.pofile(str(path)):
            if entry.obsolete:
                continue
            for text in [entry.msgstr, *entry.msgstr_plural.values()]:
                if text:
                    yield path.relative_to(ROOT), entry.msgid, text


def typography_problems(text: str) -> list[str]:
    problems = []
    if PLAIN_SPACE.search(text):
        problems.append("plain space before punctuation")
    if NO_SPACE.search(text):
        problems.append("no space before punctuation")
    if STRAIGHT_APOSTROPHE in text:
        problems.append("straight apostrophe")
    return problems


def test_there_are_french_catalogues_to_check():
    assert len(CATALOGUES) >= 10
    assert sum(1 for _ in translations()) > 500


def test_every_french_translation_follows_french_typography():
    problems = [
        f"{path}: {msgid!r} -> {text!r}: {', '.join(found)}"
        for path, msgid, text in translations()
        if (found := typography_problems(text))
    ]
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize(
    "text",
    [
        "Statut :",
        "Statut: x",
        "Nouveau sur Parcours ?",
        "Bienvenue !",
        "en UTF-16 ; il a été lu",
        "L'effort",
        "%(name)s: refusé",
    ],
)
def test_the_check_catches_what_french_typography_forbids(text):
    assert typography_problems(text)


@pytest.mark.parametrize(
    "text",
    [
        "Statut\u00a0:",
        "L\u2019effort",
        "Saisissez une adresse commençant par http:// ou https://.",
        "1h30, 1:30, 90 (minutes)",
        "Voir /entries/?page=2",
        "Le rythme «\u00a04h\u00a0» n\u2019est pas un nombre\u00a0!",
    ],
)
def test_the_check_accepts_correct_french(text):
    assert typography_problems(text) == []


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("Statut :", "Statut\u00a0:"),
        ("Statut:", "Statut\u00a0:"),
        ("Nouveau sur Parcours ?", "Nouveau sur Parcours\u00a0?"),
        ("Bienvenue sur Parcours !", "Bienvenue sur Parcours\u00a0!"),
        ("UTF-16 ; il a été lu", "UTF-16\u00a0; il a été lu"),
        ("L'effort n'est pas une durée", "L\u2019effort n\u2019est pas une durée"),
        (
            "'%(key)s' dépasse %(limit)d caractères",
            "«\u00a0%(key)s\u00a0» dépasse %(limit)d caractères",
        ),
        ("%(name)s: refusé", "%(name)s\u00a0: refusé"),
        ("Confirmer : {action} ?", "Confirmer\u00a0: {action}\u00a0?"),
        # Left alone: URLs, times, query strings, entities, what is typeset already.
        ("http:// ou https://", "http:// ou https://"),
        ("1:30 ou 10:30", "1:30 ou 10:30"),
        ("/entries/?page=2", "/entries/?page=2"),
        ("Tom &amp; Jerry", "Tom &amp; Jerry"),
        ("Statut\u00a0:", "Statut\u00a0:"),
    ],
)
def test_the_script_typesets_french(before, after):
    assert typography.typeset(before) == after
    assert typography.typeset(after) == after  # running it twice changes nothing


def test_the_script_keeps_every_placeholder(tmp_path):
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    po.append(polib.POEntry(msgid="x", msgstr="L'id %(id)r: '%(key)s' et {name}!"))
    po.append(
        polib.POEntry(
            msgid="%(n)d day",
            msgid_plural="%(n)d days",
            msgstr_plural={0: "%(n)d jour d'avance:", 1: "%(n)d jours d'avance:"},
        )
    )
    path = tmp_path / "django.po"
    po.save(str(path))
    assert typography.typeset_catalogue(path) == 3
    saved = polib.pofile(str(path))
    assert saved[0].msgstr == "L\u2019id %(id)r\u00a0: «\u00a0%(key)s\u00a0» et {name}\u00a0!"
    assert saved[1].msgstr_plural == {
        0: "%(n)d jour d\u2019avance\u00a0:",
        1: "%(n)d jours d\u2019avance\u00a0:",
    }
    assert typography.typeset_catalogue(path) == 0


# --- The pages as a French reader sees them ------------------------------------------------

# Text the learner, a manager or the catalogue wrote (course texts, notes, competency
# levels...) is data, not the interface: it is taken out of each text node (a word stands
# in for it, so the template's own spacing around it is still read) before the check.
DATA_MODELS = [
    "courses.Course",
    "courses.Track",
    "courses.Phase",
    "courses.Module",
    "courses.Competency",
    "courses.CompetencyDomain",
    "progress.TimeEntry",
    "teams.Assignment",
    "certificates.Certificate",
    "assessments.Rating",
]


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []


def _data_texts() -> list[str]:
    from django.apps import apps
    from django.db import models

    texts: set[str] = set()
    for label in DATA_MODELS:
        model = apps.get_model(label)
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        for row in model.objects.values_list(*fields):
            for value in row:
                texts.update(" ".join(s.split()) for s in _strings(value) if len(s.strip()) > 2)
    return sorted(texts, key=len, reverse=True)


def page_typography_problems(html: str, data: list[str]) -> list[str]:
    """The typography problems of the page's text nodes, data taken out (see above)."""
    from tests.demo_pages import text_nodes

    problems = []
    for node in text_nodes(html):
        folded = " ".join(node.split())
        if any(folded in text for text in data):
            continue  # a fragment of data (a paragraph of a course's description)
        for text in data:
            if text in node:
                node = node.replace(text, "x")
        if found := typography_problems(node):
            problems.append(f"{node!r}: {', '.join(found)}")
    return problems


def test_the_page_check_reads_the_text_and_leaves_data_alone():
    html = "<main><p>Statut : fait</p><p>L'effort</p><p>Cours: ML</p><p>x\u00a0: y</p></main>"
    assert len(page_typography_problems(html, [])) == 3
    assert page_typography_problems('<a aria-label="Aide : menu" title="x\u00a0!">', []) == [
        "'Aide : menu': plain space before punctuation"
    ]
    assert page_typography_problems(html, ["Cours: ML"]) == [
        "'Statut : fait': plain space before punctuation",
        '"L\'effort": straight apostrophe',
    ]


@pytest.mark.django_db
def test_the_learners_pages_in_french_follow_french_typography(seeded_learner):
    from django.test import Client

    from tests.demo_pages import learner_pages

    seeded_learner.language = "fr"
    seeded_learner.save(update_fields=["language"])
    client = Client()
    client.force_login(seeded_learner)
    data = _data_texts()
    problems = {}
    pages = learner_pages(seeded_learner)
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        if found := page_typography_problems(response.text, data):
            problems[url] = found
    assert len(pages) >= 15
    assert problems == {}, "\n".join(f"{url}: {p}" for url, ps in problems.items() for p in ps)
