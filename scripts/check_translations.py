"""Fails when a UI string has no French translation, or a translation is fuzzy.

It first brings every catalogue up to date with the sources (scripts/makemessages), so a
string added to the code but never put in a .po file counts as untranslated too, then
puts the .po files back as they were.
"""

import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def catalogues() -> list[Path]:
    return sorted(
        p
        for p in ROOT.glob("**/locale/fr/LC_MESSAGES/django.po")
        if ".venv" not in p.parts and "var" not in p.parts
    )


def main() -> int:
    before = {path: path.read_bytes() for path in catalogues()}
    try:
        subprocess.run([str(ROOT / "scripts" / "makemessages")], check=True, cwd=ROOT)
        problems = []
        for path in catalogues():
            po = polib.pofile(str(path))
            rel = path.relative_to(ROOT)
            problems += [f"{rel}: untranslated: {e.msgid!r}" for e in po.untranslated_entries()]
            problems += [f"{rel}: fuzzy: {e.msgid!r}" for e in po.fuzzy_entries()]
    finally:
        for path in catalogues():
            if path in before:
                path.write_bytes(before[path])
            else:
                path.unlink()
    if problems:
        print("\n".join(problems))
        print(
            f"{len(problems)} string(s) need a French translation: run `make messages`, "
            "translate them in the .po files, then `make test`."
        )
        return 1
    print(f"translations complete ({len(before)} catalogues)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
