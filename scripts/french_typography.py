"""French typography in the French catalogues: a no-break space before ":" ";" "?" "!",
one kind of apostrophe (U+2019), quotes as « ».

Run it over every */locale/fr/LC_MESSAGES/django.po (no argument) or the files given; it
edits the msgstr with polib and saves, so the catalogues' references and order stay as
they are (`make messages` would rewrite every line number). Placeholders (%(name)s,
{name}), URLs (https://) and times (10:30) are left alone. Hand-written: no library sets
French punctuation spacing in gettext catalogues.
"""

import re
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
NBSP = "\u00a0"
# A high punctuation mark followed by a space, a closing quote or tag, or the end: not
# "https://", "10:30" nor "?page=".
MARK = r"([:;?!])(?=\s|$|[»\"'<)])"
# ... after a plain space, or right after a word, a bracket, a quote or a placeholder (not
# an HTML entity such as "&amp;").
SPACED_MARK = re.compile(" " + MARK)
GLUED_MARK = re.compile(r"(?<=[\w)\]}»%\u2019…])(?<!&[a-z]{2})(?<!&[a-z]{3})(?<!&[a-z]{4})" + MARK)
WORD_APOSTROPHE = re.compile(r"(?<=\w)'(?=[\w«])")
QUOTED = re.compile(r"(?<!\w)'([^'\n]+?)'(?!\w)")
INSIDE_GUILLEMETS = re.compile(r"(?<=«) | (?=»)")


def typeset(text: str) -> str:
    """`text` with French typography (see the module docstring)."""
    text = WORD_APOSTROPHE.sub("\u2019", text)
    text = QUOTED.sub(f"«{NBSP}\\1{NBSP}»", text)
    text = INSIDE_GUILLEMETS.sub(NBSP, text)
    text = SPACED_MARK.sub(f"{NBSP}\\1", text)
    return GLUED_MARK.sub(f"{NBSP}\\1", text)


def typeset_catalogue(path: Path) -> int:
    """Typeset every msgstr of the catalogue at `path`; the number of strings changed."""
    po = polib.pofile(str(path), wrapwidth=79)
    changed = 0
    for entry in po:
        if entry.obsolete:
            continue
        if entry.msgstr:
            new = typeset(entry.msgstr)
            changed += new != entry.msgstr
            entry.msgstr = new
        for index, text in entry.msgstr_plural.items():
            new = typeset(text)
            changed += new != text
            entry.msgstr_plural[index] = new
    if changed:
        po.save(str(path))
    return changed


def catalogues() -> list[Path]:
    return sorted(
        p
        for p in ROOT.glob("**/locale/fr/LC_MESSAGES/django.po")
        if ".venv" not in p.parts and "var" not in p.parts
    )


def main(paths: list[str]) -> int:
    for path in [Path(p) for p in paths] or catalogues():
        print(f"{path}: {typeset_catalogue(path)} string(s) typeset")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
