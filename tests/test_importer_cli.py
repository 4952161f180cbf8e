"""The real command line: exit status and exactly one JSON object on stdout."""

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.importer_helpers import FRAMEWORK_MD, course_md, write_catalogue

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str, var: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"PARCOURS_VAR_DIR": str(var), "DJANGO_DEBUG": "1"}
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )


def test_command_line_exit_status_and_json_output(tmp_path):
    var = tmp_path / "var"
    var.mkdir()
    assert manage("migrate", "-v", "0", var=var).returncode == 0
    good = write_catalogue(
        tmp_path / "good", {"competencies.md": FRAMEWORK_MD, "c.md": course_md()}
    )
    ok = manage("import_catalogue", str(good), "--format", "json", var=var)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["created"] == ["competencies", "C-1"]

    bad = write_catalogue(tmp_path / "bad", {"c.md": course_md(effort="-1h")})
    failed = manage("import_catalogue", str(bad), str(good), "--format", "json", var=var)
    assert failed.returncode == 1
    report = json.loads(failed.stdout)  # exactly one JSON object, nothing else
    assert [(e["file"], e["line"]) for e in report["errors"]] == [(str(bad / "c.md"), 5)]
    assert report["unchanged"] == ["competencies", "C-1"]
