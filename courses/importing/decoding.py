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
# A misreading can be layered on another (a file read wrongly, saved, read wrongly again).
_MAX_LAYERS = 3
_GLUED = 2
_MAX_REPORTED = 10
# What mojibake leaves when a byte of it was lost (an editor turned the no-break space of
# `Ã\u00a0`, "à" misread, into a plain space) or damaged: Windows-1252's lead characters
# `Ã`/`Â` followed by a space or by a character no UTF-8 lead byte comes before them.
# Correct French, English or emoji never hold these pairs.
_LEFTOVER = re.compile(
    "[ÃÂ](?:[ \t]|$|[\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
    "\u02c6\u02dc\u2013-\u203a\u20ac\u2122])"
)


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
    # (line, sequence) of what still looks like mojibake but could not be repaired.
    unrepaired: list[tuple[int, str]] = field(default_factory=list)


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


def _labels(chain: tuple[Misreading, ...]) -> str:
    """The misreadings in the order they were made."""
    return _(", then ").join(misreading.label for misreading in reversed(chain))


def _undone(text: str) -> list[tuple[str, tuple[Misreading, ...]]]:
    """Every text that undoing up to _MAX_LAYERS misreadings gives, shortest chain first.

    A file misread, saved and misread again (`É` -> `Ã‰` -> `Ãƒâ€°`) is undone in one go:
    the text between the two layers holds C1 controls that no repair would accept alone.
    """
    found: list[tuple[str, tuple[Misreading, ...]]] = []
    frontier: list[tuple[str, tuple[Misreading, ...]]] = [(text, ())]
    for _layer in range(_MAX_LAYERS):
        frontier = [
            (undone, (*chain, misreading))
            for current, chain in frontier
            for misreading in MISREADINGS
            if (undone := misreading.undo(current)) not in (None, current)
        ]
        found += frontier
    return found


def _repair_whole(text: str) -> tuple[str, tuple[Misreading, ...]] | None:
    """Undo the misreadings of the whole text, when that re-reads it all as clean UTF-8."""
    best: tuple[int, str, tuple[Misreading, ...]] | None = None
    for repaired, chain in _undone(text):
        if not _plausible(repaired):
            continue
        score = _suspicion(repaired)
        if best is None or score < best[0]:
            best = (score, repaired, chain)
    if best is None or best[0] >= _suspicion(text):
        return None
    return best[1], best[2]


def _repair_run(run: str) -> tuple[str, set[tuple[Misreading, ...]]]:
    """Repair one run of non-ASCII characters, or its broken middle.

    A run may glue correct punctuation to mojibake (`l\u2019Ã©quipe`; `«Ã‰thique»`);
    then no misreading undoes it whole, and the run is tried without the punctuation at
    either end, up to _GLUED characters (a bounded search: a hostile file is all runs).
    """
    if len(run) < 2:
        return run, set()
    whole = _repair_whole(run)
    if whole is not None:
        return whole[0], {whole[1]}
    starts = _glued_punctuation(run)
    ends = [len(run) - n for n in _glued_punctuation(run[::-1])]
    for start in starts:
        for end in ends:
            if (start, end) == (0, len(run)) or end - start < 2:
                continue
            middle = _repair_whole(run[start:end])
            if middle is not None:
                return run[:start] + middle[0] + run[end:], {middle[1]}
    return run, set()


def _glued_punctuation(run: str) -> list[int]:
    """0, then how many of the run's first characters are punctuation, up to _GLUED."""
    counts = [0]
    while counts[-1] < min(_GLUED, len(run)) and unicodedata.category(run[counts[-1]])[0] == "P":
        counts.append(counts[-1] + 1)
    return counts


def _repair_runs(text: str) -> tuple[str, int, set[str]]:
    """Repair the runs of a file that mixes correct text and mojibake, run by run.

    A run is only replaced when misreadings undone turn it into clean UTF-8 that is less
    suspicious than it was: a lone `é` (not valid UTF-8 once encoded) stays as it is.
    """
    count = 0
    chains: set[tuple[Misreading, ...]] = set()
    known: dict[str, tuple[str, set[tuple[Misreading, ...]]]] = {}  # runs repeat

    def fix(match: re.Match[str]) -> str:
        nonlocal count
        run = match.group(0)
        if run not in known:
            known[run] = _repair_run(run)
        repaired, used = known[run]
        if used:
            count += 1
            chains.update(used)
        return repaired

    return _NON_ASCII_RUN.sub(fix, text), count, {_labels(chain) for chain in chains}


def _unrepaired(text: str) -> list[tuple[int, str]]:
    """What still looks like mojibake once every repair was made: (line, sequence), the
    first _MAX_REPORTED of them (one is enough to send the author back to the file)."""
    found: list[tuple[int, str]] = []
    for number, line in enumerate(text.split("\n"), start=1):
        found += [(number, match.group(0)) for match in _LEFTOVER.finditer(line)]
        if len(found) >= _MAX_REPORTED:
            return found[:_MAX_REPORTED]
    return found


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
    unrepaired: list[tuple[int, str]] = []
    if not text.isascii():
        text, unrepaired = _repair_mojibake(text, warnings)
    # A BOM that went through the misreading too ("ï»¿") comes back as U+FEFF.
    text = text.removeprefix("\ufeff")
    return Decoded(text=text, warnings=warnings, unrepaired=unrepaired)


def _repair_mojibake(text: str, warnings: list[str]) -> tuple[str, list[tuple[int, str]]]:
    """Repair the mojibake; return the text and what still looks broken (line, text)."""
    whole = _repair_whole(text)
    if whole is not None:
        text, chain = whole
        if len(chain) == 1:
            warnings.append(
                _("Repaired mojibake: the file was UTF-8 once read as %(codec)s.")
                % {"codec": chain[0].label}
            )
        else:
            warnings.append(
                _("Repaired mojibake made twice or more: the file was UTF-8 read as %(codecs)s.")
                % {"codecs": _labels(chain)}
            )
        return text, _unrepaired(text)
    repaired, count, labels = _repair_runs(text)
    if count:
        warnings.append(
            _(
                "Repaired %(count)d mojibake sequence(s) (UTF-8 once read as %(codec)s) in a "
                "file that also holds correct text; check the result."
            )
            % {"count": count, "codec": " / ".join(sorted(labels))}
        )
    return repaired, _unrepaired(repaired)
