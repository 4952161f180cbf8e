"""The French pages of a seeded learner show no English UI string.

The English side of every translated UI string (each msgid of the project's French
catalogues whose translation differs) must not appear in the text of the main pages
rendered in French: one that does is a string that escaped translation (a missing
`{% translate %}`, a label built in Python without gettext). Only phrases of two words
or more are compared, so a word French shares with English ("Date", "Note") is no
false alarm.
"""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client

from tests.demo_pages import TextNodes, main_pages

pytestmark = pytest.mark.django_db

WORDS = re.compile(r"^[A-Za-z][A-Za-z' ]+[A-Za-z]$")


def english_ui_phrases() -> set[str]:
    phrases = set()
    for path in Path(settings.BASE_DIR).glob("**/locale/fr/LC_MESSAGES/django.po"):
        if ".venv" in path.parts:
            continue
        for entry in polib.pofile(str(path)).translated_entries():
            msgid = entry.msgid.strip()
            if WORDS.match(msgid) and " " in msgid and entry.msgstr.strip() != msgid:
                phrases.add(msgid)
    return phrases


def leaked(html: str, phrases: set[str]) -> set[str]:
    parser = TextNodes()
    parser.feed(html)
    found = set()
    for node in parser.nodes:
        for phrase in phrases:
            if phrase in node and re.search(rf"\b{re.escape(phrase)}\b", node):
                found.add(phrase)
    return found


def test_the_check_finds_an_english_phrase_in_a_french_page():
    assert leaked("<main><p>Hours per week</p></main>", {"Hours per week"}) == {"Hours per week"}
    assert leaked("<script>'Hours per week'</script>", {"Hours per week"}) == set()


def test_the_main_pages_in_french_show_no_english_ui_string(seeded_learner):
    phrases = english_ui_phrases()
    assert len(phrases) > 50  # the catalogues were read
    found_in = {"fr": {}, "en": {}}
    for language, found in found_in.items():
        seeded_learner.language = language
        seeded_learner.save(update_fields=["language"])
        client = Client()
        client.force_login(seeded_learner)
        for url in main_pages(seeded_learner):
            response = client.get(url)
            assert response.status_code == 200, url
            if phrases_seen := leaked(response.text, phrases):
                found[url] = sorted(phrases_seen)
    # In English the pages do show these phrases: the check reads the UI's text.
    assert len(found_in["en"]) == len(main_pages(seeded_learner))
    assert found_in["fr"] == {}
