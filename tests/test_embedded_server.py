"""The web server `make run` starts (scripts/serve), as a client sees it (issue 12).

runserver ran one thread per client: with 30 clients logging hours at once, the thread
holding SQLite's write lock waited for the GIL behind the 29 others, held the lock for
seconds, and writers waiting past the 5 s busy timeout answered 500 "database is locked".
The server `make run` uses runs a bounded number of requests at once; the other clients
wait in its queue."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = 30


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers={"Host": "127.0.0.1"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def test_make_run_uses_that_server():
    assert 'scripts/serve "127.0.0.1:$PORT"' in (ROOT / "scripts" / "run").read_text()


@pytest.fixture
def make_run_server(tmp_path) -> Iterator[int]:
    """scripts/serve on a free port, with `make run`'s settings (plus the counting view);
    yields the port once it answers."""
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.embedded_server.settings",
        "DJANGO_DEBUG": "true",  # as scripts/run sets it
        "PARCOURS_VAR_DIR": str(tmp_path),
        "PYTHONPATH": str(ROOT),
        "VENV": str(Path(sys.executable).parent.parent),
    }
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    log = tmp_path / "web.log"
    with open(log, "wb") as out:
        server = subprocess.Popen(
            [str(ROOT / "scripts" / "serve"), f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # runserver's autoreloader has a child: stop both
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                assert _get(port, "/test/concurrency/")[0] == 200
                break
            except OSError:
                assert server.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
        yield port
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)


def test_the_make_run_server_runs_a_bounded_number_of_requests_at_once(make_run_server):
    port = make_run_server
    statuses: list[int] = []
    clients = [
        threading.Thread(
            target=lambda: statuses.append(_get(port, "/test/concurrency/?hold=0.5")[0])
        )
        for _ in range(CLIENTS)
    ]
    for client in clients:
        client.start()
    for client in clients:
        client.join()
    most = json.loads(_get(port, "/test/concurrency/")[1])["most"]

    assert statuses == [200] * CLIENTS
    # All 30 at once before (a thread per client); a few now, the rest queued in order.
    assert 1 < most <= 8, most


def test_a_kept_alive_connection_survives_a_pause(make_run_server):
    """A browser reuses its connection after the reader paused: the server must not have
    closed it under the client (gunicorn's default keeps it 2 s)."""
    conn = http.client.HTTPConnection("127.0.0.1", make_run_server, timeout=30)
    try:
        for pause in (0, 3):
            time.sleep(pause)
            conn.request("GET", "/test/concurrency/", headers={"Host": "127.0.0.1"})
            response = conn.getresponse()
            response.read()
            assert response.status == 200
    finally:
        conn.close()
