"""Bytes -> text: BOM, line endings, UTF-8 or Windows-1252, and mojibake repair.

Catalogue files come as the user has them: UTF-8 with or without a BOM, CRLF, Latin-1 or
Windows-1252 bytes, or mojibake — UTF-8 that some tool once read as Mac Roman or as
Windows-1252 and saved again (`√†` or `Ã©` where `à`/`é` was meant). Repairs must never
change correct text, so a repair is only kept when it re-reads cleanly as UTF-8 and
leaves fewer suspicious characters than it found.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

UTF8_BOM = b"\xef\xbb\xbf"
# Windows-1252 leaves five bytes undefined; real Windows-1252 or Latin-1 text never holds
# them (they are C1 controls in Latin-1), so meeting one means the bytes are not text.
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")
# C0 controls other than tab, line feed, form feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# A maximal run of non-ASCII characters: the mojibake of one UTF-8 character is always
# such a run, since every byte of a multi-byte UTF-8 sequence is >= 0x80.
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")


def _c1_passthrough(error: UnicodeEncodeError) -> tuple[bytes, int]:
    """Encode U+0080..U+009F as the byte of the same value.

    Tools that read UTF-8 as Windows-1252 (or Latin-1) keep the five undefined bytes as
    these C1 controls; turning them back into bytes lets the repair re-read them.
    """
    chunk = error.object[error.start : error.end]
    if all(0x80 <= ord(char) <= 0x9F for char in chunk):
        return bytes(ord(char) for char in chunk), error.end
    raise error


codecs.register_error("parcours_c1_passthrough", _c1_passthrough)


@dataclass(frozen=True)
class Misreading:
    """A way UTF-8 gets misread: the codec that read it, and how to undo that."""

    codec: str
    label: str
    errors: str = "strict"

    def undo(self, text: str) -> str | None:
        try:
            return text.encode(self.codec, self.errors).decode("utf-8")
        except UnicodeError:
            return None


MISREADINGS = (
    Misreading("mac_roman", "Mac Roman"),
    Misreading("cp1252", "Windows-1252", errors="parcours_c1_passthrough"),
)


class DecodeError(ValueError):
    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass
class Decoded:
    text: str
    warnings: list[str] = field(default_factory=list)


def _suspicion(text: str) -> int:
    """How many characters of `text` look like the debris of a misreading.

    Private-use characters (Mac Roman reads the byte 0xF0 as U+F8FF), C1 controls,
    unassigned code points, replacement characters, combining marks (Windows-1252
    mojibake re-read as Mac Roman yields U+0300..U+036F; emoji variation selectors are
    not counted), and runs of characters that are themselves the mojibake of UTF-8.
    """
    score = 0
    for char in text:
        if char.isascii():
            continue
        category = unicodedata.category(char)
        debris = category in {"Co", "Cn", "Cs"} or char == "\ufffd" or 0x80 <= ord(char) <= 0x9F
        stray_mark = category == "Mn" and not 0xFE00 <= ord(char) <= 0xFE0F
        if debris or stray_mark:
            score += 1
    for run in _NON_ASCII_RUN.findall(text):
        if len(run) > 1 and any(m.undo(run) not in (None, run) for m in MISREADINGS):
            score += len(run)
    return score


# What a repair may produce: Latin letters, punctuation, symbols and emoji. Correct
# French can look like Mac Roman mojibake — `\u2019é` re-reads as the Armenian `Վ` — and a
# catalogue written in Latin script never means Armenian there, so such a "repair" is
# refused. (A catalogue in another script would be left as it is, never damaged.)
_PLAUSIBLE_RANGES = (
    (0x00A0, 0x024F),  # Latin-1 Supplement, Latin Extended-A and -B
    (0x1E00, 0x1EFF),  # Latin Extended Additional
    (0x2000, 0x2BFF),  # punctuation, currency, letterlike, arrows, dingbats, symbols
    (0x2E00, 0x2E7F),  # supplemental punctuation
    (0xFE00, 0xFE0F),  # variation selectors (emoji presentation)
    (0xFEFF, 0xFEFF),  # a byte order mark that was misread with the rest
    (0x1F000, 0x1FAFF),  # emoji and pictographs
)


def _plausible(text: str) -> bool:
    return all(
        char.isascii() or any(low <= ord(char) <= high for low, high in _PLAUSIBLE_RANGES)
        for char in text
    )


def _repair_whole(text: str) -> tuple[str, Misreading] | None:
    """Undo a misreading of the whole text, when one re-reads it all as clean UTF-8."""
    best: tuple[int, str, Misreading] | None = None
    for misreading in MISREADINGS:
        repaired = misreading.undo(text)
        if repaired is None or repaired == text or not _plausible(repaired):
            continue
        score = _suspicion(repaired)
        if best is None or score < best[0]:
            best = (score, repaired, misreading)
    if best is None or best[0] >= _suspicion(text):
        return None
    return best[1], best[2]


def _repair_runs(text: str) -> tuple[str, int, set[str]]:
    """Repair the runs of a file that mixes correct text and mojibake, run by run.

    A run is only replaced when one misreading turns it into clean UTF-8 that is less
    suspicious than it was: a lone `é` (not valid UTF-8 once encoded) stays as it is.
    """
    count = 0
    labels: set[str] = set()

    def fix(match: re.Match[str]) -> str:
        nonlocal count
        run = match.group(0)
        if len(run) < 2:
            return run
        candidate = _repair_whole(run)
        if candidate is None:
            return run
        count += 1
        labels.add(candidate[1].label)
        return candidate[0]

    return _NON_ASCII_RUN.sub(fix, text), count, labels


def _line_of(raw: bytes, index: int) -> int:
    return raw.count(b"\n", 0, index) + 1


def decode_catalogue_bytes(raw: bytes) -> Decoded:
    """Turn a file's bytes into clean text, or raise DecodeError with the line."""
    warnings: list[str] = []
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            raw = raw.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            raise DecodeError(_("The file starts with a UTF-16 mark but is not UTF-16.")) from None
        warnings.append(_("The file was UTF-16; it was read as such."))
    if b"\x00" in raw:
        raise DecodeError(
            _("Binary content (a NUL byte): this is not a text file."),
            _line_of(raw, raw.index(b"\x00")),
        )
    if raw.startswith(UTF8_BOM):
        raw = raw[len(UTF8_BOM) :]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        undefined = next((i for i, byte in enumerate(raw) if byte in _CP1252_UNDEFINED), None)
        if undefined is not None:
            raise DecodeError(
                _("Undecodable bytes: neither UTF-8 nor Windows-1252 (byte 0x%(byte)02X).")
                % {"byte": raw[undefined]},
                _line_of(raw, undefined),
            ) from None
        text = raw.decode("cp1252")
        warnings.append(
            _("Not UTF-8 (first bad byte on line %(line)d): read as Windows-1252/Latin-1.")
            % {"line": _line_of(raw, error.start)}
        )
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    control = _CONTROL.search(text)
    if control:
        raise DecodeError(
            _("Control character U+%(code)04X: this is not a text file.")
            % {"code": ord(control.group(0))},
            text.count("\n", 0, control.start()) + 1,
        )
    if not text.isascii():
        text = _repair_mojibake(text, warnings)
    # A BOM that went through the misreading too ("ï»¿") comes back as U+FEFF.
    text = text.removeprefix("\ufeff")
    return Decoded(text=text, warnings=warnings)


def _repair_mojibake(text: str, warnings: list[str]) -> str:
    whole = _repair_whole(text)
    if whole is not None:
        warnings.append(
            _("Repaired mojibake: the file was UTF-8 once read as %(codec)s.")
            % {"codec": whole[1].label}
        )
        return whole[0]
    repaired, count, labels = _repair_runs(text)
    if count:
        warnings.append(
            _(
                "Repaired %(count)d mojibake sequence(s) (UTF-8 once read as %(codec)s) in a "
                "file that also holds correct text; check the result."
            )
            % {"count": count, "codec": " / ".join(sorted(labels))}
        )
    return repaired
