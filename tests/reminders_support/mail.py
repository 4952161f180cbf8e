"""A mail backend the test process can watch and steer through files in one folder:

- every message sent is written as `<reminder id>-<n>.eml` (so the test counts sends);
- while `block` exists, a send waits (a worker can be SIGKILLed mid-send);
- while `block-after` exists, a send waits once the message is written (`delivered`
  appears): the mail server has accepted it, the worker has not recorded it yet;
- while `fail-temporary` holds a number N > 0, a send raises SMTPServerDisconnected and
  decrements it; `fail-permanent` makes it raise SMTPRecipientsRefused (550).
"""

from __future__ import annotations

import itertools
import os
import smtplib
import time
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend

_counter = itertools.count()


class ControlledFileBackend(BaseEmailBackend):
    def __init__(self, *, folder: str = "", **kwargs):
        super().__init__(**kwargs)
        self.folder = Path(folder or os.environ["PARCOURS_TEST_MAIL_DIR"])

    def send_messages(self, email_messages) -> int:
        self.folder.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + 60
        while (self.folder / "block").exists() and time.monotonic() < deadline:
            (self.folder / "blocked").touch()
            time.sleep(0.05)
        temporary = self.folder / "fail-temporary"
        if temporary.exists():
            left = int(temporary.read_text() or 0)
            if left > 0:
                temporary.write_text(str(left - 1))
                raise smtplib.SMTPServerDisconnected("test: connection unexpectedly closed")
        if (self.folder / "fail-permanent").exists():
            raise smtplib.SMTPRecipientsRefused(
                {m.to[0]: (550, b"5.1.1 no such user") for m in email_messages}
            )
        for message in email_messages:
            reminder = message.extra_headers.get("X-Parcours-Reminder", "x")
            name = f"{reminder}-{os.getpid()}-{next(_counter)}.eml"
            (self.folder / name).write_bytes(message.message().as_bytes())
        deadline = time.monotonic() + 60
        while (self.folder / "block-after").exists() and time.monotonic() < deadline:
            (self.folder / "delivered").touch()
            time.sleep(0.05)
        return len(email_messages)


def sent_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.eml"))
