"""Bytes -> text: BOM, CRLF, Windows-1252/Latin-1, mojibake repair that never breaks
correct text."""

import pytest
from django.utils import translation

from courses.importing.decoding import DecodeError, decode_catalogue_bytes
from courses.importing.parsing import read_file
from courses.importing.specs import SourceFile
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


# --- mojibake applied more than once ----------------------------------------------------


def misread(text: str, codec: str) -> str:
    """What a tool that reads UTF-8 as `codec` and saves it again makes of `text`
    (Windows-1252's five undefined bytes kept as C1 controls, as such tools do)."""
    data = text.encode("utf-8")
    if codec == "cp1252":
        return "".join(
            chr(byte) if byte in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else bytes([byte]).decode(codec)
            for byte in data
        )
    return data.decode(codec)


FRENCH = '---\nid: x\nnom: "Éthique de l\'IA"\n---\nÉthique, été, cœur, « naïf » 📝\n'


@pytest.mark.parametrize(
    ("first", "second"),
    [("cp1252", "cp1252"), ("mac_roman", "cp1252"), ("cp1252", "mac_roman"), ("mac_roman",) * 2],
)
def test_a_whole_file_misread_twice_is_repaired_fully(first, second):
    broken = misread(misread(FRENCH, first), second)
    decoded = decode_catalogue_bytes(broken.encode("utf-8"))
    assert decoded.text == FRENCH
    assert decoded.unrepaired == []
    assert len(decoded.warnings) == 1 and "twice" in decoded.warnings[0]


def test_double_mojibake_in_a_file_that_also_holds_correct_text_is_repaired_fully():
    broken = misread(misread("Éthique, été", "cp1252"), "cp1252")
    assert "Ã‰" in misread("Éthique", "cp1252") and "Ã" in broken
    decoded = decode_catalogue_bytes(
        f"---\nid: x\n---\nCorrect : été.\nCassé : {broken}\n".encode()
    )
    assert decoded.text == "---\nid: x\n---\nCorrect : été.\nCassé : Éthique, été\n"
    assert "Ã" not in decoded.text and decoded.unrepaired == []


def test_mojibake_glued_to_correct_text_is_repaired():
    # "l\u2019" is correct, "Ã©" is broken: one run of non-ASCII characters holds both.
    decoded = decode_catalogue_bytes("---\nid: x\n---\nl\u2019Ã©quipe «Ã‰thique»\n".encode())
    assert decoded.text == "---\nid: x\n---\nl\u2019équipe «Éthique»\n"


def test_mojibake_that_cannot_be_repaired_is_reported_with_its_line_not_called_repaired():
    # "à" is C3 A0: once misread, "Ã" and a no-break space; an editor turned that space
    # into a plain one, and the byte is lost. Nothing can say for sure what was meant.
    decoded = decode_catalogue_bytes(
        "---\nid: x\n---\nLa spécialisation\nDéjÃ  vu, Ã‰thique\n".encode()
    )
    assert decoded.text == "---\nid: x\n---\nLa spécialisation\nDéjÃ  vu, Éthique\n"
    assert decoded.unrepaired == [(5, "Ã ")]
    assert not any("Repaired mojibake:" in warning for warning in decoded.warnings)


def test_the_importer_warns_about_unrepaired_mojibake_with_file_and_line():
    text = '---\nid: "C-1"\nnom: "Déjà vu"\neffort: "2h"\n---\nVoilÃ  tout.\n'
    parsed = read_file(SourceFile("c.md", text.encode(), 0))
    assert [(w.file, w.line) for w in parsed.warnings if "not repaired" in w.message] == [
        ("c.md", 6)
    ]
