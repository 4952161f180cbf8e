"""The suite does not pass by running less than it says: in CI the Redis tests fail
rather than skip without Redis, and `scripts/test` fails when no browser test ran."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.redis_scope import redis_url_for_tests

ROOT = Path(__file__).resolve().parent.parent


def test_without_redis_the_redis_tests_fail_in_ci():
    with pytest.raises(pytest.fail.Exception, match="PARCOURS_TEST_REDIS_URL is not set"):
        redis_url_for_tests({"CI": "true"})


def test_without_redis_the_redis_tests_skip_elsewhere():
    with pytest.raises(pytest.skip.Exception):
        redis_url_for_tests({})
    with pytest.raises(pytest.skip.Exception):
        redis_url_for_tests({"CI": "false"})


def test_with_redis_the_redis_tests_get_its_url():
    url = "redis://127.0.0.1:6379/15"
    assert redis_url_for_tests({"CI": "true", "PARCOURS_TEST_REDIS_URL": url}) == url


def _require_collected(status: int, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(ROOT / "scripts" / "require-collected"), "browser test", "sh", "-c", f"exit {status}"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", **env},
    )


def test_a_run_that_collected_no_test_fails():
    result = _require_collected(5)  # pytest: "no tests were collected"
    assert result.returncode == 1
    assert "FAIL: no browser test was collected" in result.stdout


def test_a_filtered_run_may_collect_none():
    result = _require_collected(5, PARCOURS_ALLOW_NONE_COLLECTED="1")
    assert result.returncode == 0 and "no browser test matched" in result.stdout


@pytest.mark.parametrize("status", [0, 1, 2])
def test_other_outcomes_pass_through(status):
    assert _require_collected(status).returncode == status


def test_scripts_test_runs_the_browser_tests_through_that_check():
    script = (ROOT / "scripts" / "test").read_text()
    assert 'scripts/require-collected "browser test" "$VENV/bin/pytest"' in script
    assert "-eq 5 ] ||" not in script  # the old pass on "no tests collected"
