"""What the benchmarks share: the production-like environment, manage.py, gunicorn on a
free local port, signed-in sessions, and latency statistics."""

from __future__ import annotations

import contextlib
import http.client
import os
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
BASELINE = "/bench/baseline/"  # bench/dashboard_urls.py: 50 rows in a template

# Python for `manage.py shell -c`: defines session_for(user) -> a "sessionid=..." cookie
# of a signed-in session, written straight to the session store (no password hashing).
SESSION_HELPER = r"""
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

def session_for(user):
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"sessionid={session.session_key}"
"""


# A four-phase track of three 60-hour options each (seed_demo assigns and plans it).
DEMO_CATALOGUE = r"""
from decimal import Decimal
from courses.models import Course, Module, Phase, Track

track = Track.objects.create(code="ai-product-owner", name_fr="AI Product Owner")
for n in range(1, 5):
    phase = Phase.objects.create(track=track, code=f"P{n}", order=n, name_fr=f"Phase {n}")
    for letter in "ABC":
        course = Course.objects.create(
            code=f"P{n}-{letter}", title=f"Course {n}{letter}", effort_text="60h",
            effort_hours=Decimal(60), weekly_hours=Decimal(5), track=track, phase=phase,
            option=letter,
        )
        for m in range(1, 6):
            Module.objects.create(course=course, order=m, title=f"Module {m}", hours=12)
"""


def bench_env(
    var_dir: str, *, database_url: str | None = None, redis_url: str | None = None
) -> dict[str, str]:
    """Production settings (DEBUG off, a fresh secret) with the baseline view of
    bench/dashboard_urls.py, served over plain HTTP on 127.0.0.1."""
    # whitenoise warns in every worker about a missing STATIC_ROOT
    (Path(var_dir) / "static").mkdir(exist_ok=True)
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "bench.dashboard_settings",
        "PARCOURS_VAR_DIR": var_dir,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_COOKIES": "false",
        "DJANGO_STATIC_MANIFEST": "false",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def manage(env: dict[str, str], *args: str) -> str:
    """Run manage.py; return what it printed (it must succeed)."""
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(env: dict[str, str], *, workers: int) -> Iterator[int]:
    """gunicorn serving the project on 127.0.0.1 only; yields its port once it listens."""
    port = free_port()
    server = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "tracker.wsgi",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            # A loaded machine may take longer to stop the workers: the figures are
            # measured already, so do not lose them to a slow shutdown.
            server.kill()
            server.wait(timeout=10)


def percentile(sorted_values: list[float], fraction: float) -> float:
    """The value below which `fraction` of the values lie (nearest rank)."""
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


def hammer(port: int, path: str, cookie: str, total: int, threads: int) -> float:
    """Send `total` GETs from `threads` keep-alive connections; return requests/s."""
    counter = iter(range(total))
    lock = threading.Lock()
    errors: list[str] = []

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                if next(counter, None) is None:
                    break
            conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                errors.append(f"{path}: {response.status}")
        conn.close()

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    started = time.perf_counter()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise SystemExit(f"errors: {errors[:3]} ({len(errors)} in all)")
    return total / elapsed


def compare(
    port: int, path: str, cookie: str, *, requests: int, threads: int, rounds: int
) -> tuple[float, float]:
    """Median requests/s of the baseline and of `path`, in alternating short rounds so a
    change in the machine's load hits both alike."""
    for url in (path, BASELINE):  # warm both workers up
        hammer(port, url, cookie, 20, 2)
    per_round = max(requests // rounds, 1)
    baselines, pages = [], []
    for _ in range(rounds):
        baselines.append(hammer(port, BASELINE, cookie, per_round, threads))
        pages.append(hammer(port, path, cookie, per_round, threads))
    return statistics.median(baselines), statistics.median(pages)


def compare_with_and_without_cache(
    env: dict[str, str], path: str, cookie: str, **options: int
) -> dict[str, tuple[float, float]]:
    """(baseline, page) requests/s warm (as deployed, the progress cache filled), then
    cold (PARCOURS_PROGRESS_CACHE_SECONDS=0): what a page costs right after a write or on
    the first view of a day, when its figures are computed again."""
    results = {}
    for label, seconds in (("warm", None), ("cold", "0")):
        run_env = env if seconds is None else env | {"PARCOURS_PROGRESS_CACHE_SECONDS": seconds}
        with gunicorn(run_env, workers=2) as port:
            results[label] = compare(port, path, cookie, **options)
    return results


def print_ratios(
    name: str, results: dict[str, tuple[float, float]], aims: dict[str, float]
) -> None:
    """Each run's figures next to its baseline, with the aim (`aims`: label -> ratio)."""
    for label, (baseline, page) in results.items():
        ratio, aim = page / baseline, aims[label]
        verdict = "met" if ratio >= aim else "NOT met"
        print(f"  {label:10s} baseline (50 rows in a template): {baseline:8.1f} requests/s")
        print(f"  {label:10s} {name + ':':33s}{page:8.1f} requests/s")
        print(
            f"  {label:10s} {name + ' / baseline:':33s}{ratio:8.0%}  (aim: >= {aim:.0%}, {verdict})"
        )
