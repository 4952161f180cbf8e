"""A real learning record store on loopback for the xAPI tests: Ralph (ralph-malph[lrs],
its FastAPI app under uvicorn, see tests/ralph_app.py) with its file-system backend in a
temporary folder and one HTTP Basic account, run as a child process that the tests stop
and start again on the same port and folder (the LRS down, then back with what it had
stored)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import bcrypt
import requests

ROOT = str(Path(__file__).resolve().parent.parent)
USERNAME = "parcours"
PASSWORD = "lrs-test-password"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Ralph:
    folder: Path
    port: int = field(default_factory=_free_port)
    process: subprocess.Popen | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/xAPI/"

    def start(self) -> None:
        auth = self.folder / "auth.json"
        if not auth.exists():
            hashed = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(4)).decode()
            auth.write_text(
                json.dumps(
                    [
                        {
                            "username": USERNAME,
                            "hash": hashed,
                            "scopes": ["all"],
                            "agent": {
                                "account": {"homePage": "http://127.0.0.1", "name": USERNAME}
                            },
                        }
                    ]
                )
            )
        env = {
            **os.environ,
            "RALPH_APP_DIR": str(self.folder),
            "RALPH_AUTH_FILE": str(auth),
            "RALPH_RUNSERVER_BACKEND": "fs",
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(self.folder),
        }
        command = [sys.executable, "-m", "uvicorn", "tests.ralph_app:app", "--app-dir", ROOT]
        command += ["--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning"]
        self.process = subprocess.Popen(command, env=env)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{self.port}/__heartbeat__", timeout=1).ok:
                    return
            except requests.RequestException:
                pass
            if self.process.poll() is not None:
                raise RuntimeError("Ralph stopped while starting")
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("Ralph did not start within 120 seconds")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def statements(self, **params) -> list[dict]:
        response = requests.get(
            self.endpoint + "statements",
            params=params,
            auth=(USERNAME, PASSWORD),
            headers={"X-Experience-API-Version": "1.0.3"},
            timeout=10,
        )
        response.raise_for_status()
        body = response.json()
        return body.get("statements", [body]) if isinstance(body, dict) else body
