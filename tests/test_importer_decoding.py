"""Bytes -> text: BOM, CRLF, Windows-1252/Latin-1, mojibake repair that never breaks
correct text."""

import pytest
from django.utils import translation

from courses.importing.decoding import DecodeError, decode_catalogue_bytes
from tests.importer_helpers import sample_bytes

CORRECT = "---\nid: x\n---\nDéjà vu à l'été, cœur « naïf » — 📝 🏛️ ✅ ⚠️\n"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_sample_duke_file_is_repaired_with_correct_french_and_emoji():
    decoded = decode_catalogue_bytes(sample_bytes())
    assert 'effort: "90h (4 mois à 5h/semaine)"' in decoded.text
    assert 'statut: "À choisir (Option A)"' in decoded.text
    assert "# 🏛️ Duke University" in decoded.text
    assert "## 📝 Description" in decoded.text
    assert "spécialisation" in decoded.text
    assert "√" not in decoded.text and "\uf8ff" not in decoded.text
    assert decoded.warnings == ["Repaired mojibake: the file was UTF-8 once read as Mac Roman."]


def test_correct_french_and_emoji_are_never_changed():
    decoded = decode_catalogue_bytes(CORRECT.encode("utf-8"))
    assert decoded.text == CORRECT
    assert decoded.warnings == []


def test_correct_apostrophes_before_accents_are_not_taken_for_mojibake():
    # "\u2019é" re-reads from Mac Roman as the Armenian "Վ": a false repair to refuse.
    text = "---\nid: x\n---\nl\u2019équipe, d\u2019évaluer, jusqu\u2019à l\u2019ère\n"
    decoded = decode_catalogue_bytes(text.encode("utf-8"))
    assert decoded.text == text
    assert decoded.warnings == []


def test_windows_1252_mojibake_is_repaired():
    text = "---\nid: x\n---\nLa spécialisation de l'été à Paris\n"
    broken = text.encode("utf-8").decode("cp1252").encode("utf-8")
    assert "Ã©" in broken.decode("utf-8")
    decoded = decode_catalogue_bytes(broken)
    assert decoded.text == text
    assert "Windows-1252" in decoded.warnings[0]


def test_latin1_bytes_are_read_as_windows_1252():
    decoded = decode_catalogue_bytes("---\nid: x\n---\nÉté à Noël\n".encode("latin-1"))
    assert decoded.text == "---\nid: x\n---\nÉté à Noël\n"
    assert "Not UTF-8" in decoded.warnings[0]


def test_bom_and_crlf_are_normalised():
    decoded = decode_catalogue_bytes(b"\xef\xbb\xbf---\r\nid: x\r\n---\r\nCaf\xc3\xa9\r\n")
    assert decoded.text == "---\nid: x\n---\nCafé\n"


def test_a_bom_that_went_through_the_misreading_is_dropped_too():
    text = "\ufeff---\nid: x\n---\nÉté\n"
    broken = text.encode("utf-8").decode("cp1252").encode("utf-8")  # "ï»¿---...Ã‰tÃ©"
    decoded = decode_catalogue_bytes(broken)
    assert decoded.text == "---\nid: x\n---\nÉté\n"


def test_a_file_mixing_correct_and_broken_text_repairs_only_the_broken_runs():
    text = "---\nid: x\n---\nCorrect : été, 📝.\nCassé : " + "été 📚".encode().decode("mac_roman")
    decoded = decode_catalogue_bytes(text.encode("utf-8"))
    assert decoded.text == "---\nid: x\n---\nCorrect : été, 📝.\nCassé : été 📚"
    assert "also holds correct text" in decoded.warnings[0]


def test_binary_content_is_refused_with_its_line():
    with pytest.raises(DecodeError) as error:
        decode_catalogue_bytes(b"---\nid: x\n---\nabc\x00def")
    assert "Binary content" in error.value.message
    assert error.value.line == 4


def test_undecodable_bytes_are_refused_with_their_line():
    with pytest.raises(DecodeError) as error:
        decode_catalogue_bytes(b"---\nid: x\n---\n\xff\x81\x9d")
    assert "Undecodable" in error.value.message
    assert error.value.line == 4
