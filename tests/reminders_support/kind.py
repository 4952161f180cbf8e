"""`ping`: a weekly reminder at the user's digest day and hour, with no other data, so
the machinery (dispatcher, sender, faults) is tested apart from any product kind."""

from __future__ import annotations

import os
import time
from pathlib import Path

from tracker.reminders import kinds as registry
from tracker.reminders.kinds import Due, Kind, latest_weekly_slot, preference_of

PING = "ping"


class PingKind(Kind):
    name = PING
    label = "Ping"

    def due(self, *, now, users):
        _pause_while_asked()
        for user in users:
            pref = preference_of(user)
            slot = latest_weekly_slot(
                now=now, weekday=pref.digest_weekday, hour=pref.digest_hour, tz=user.tzinfo
            )
            if slot is not None:
                period, due_at = slot
                yield Due(user=user, subject="", period=period, context={"due": due_at.isoformat()})

    def title(self, *, user, context):
        return f"Ping {context['due']}"

    def body(self, *, user, context):
        return "A test reminder."


def _pause_while_asked() -> None:
    """A dispatcher pass of the fault tests waits here, in the middle of its pass, while
    the file PARCOURS_TEST_PAUSE_FILE names exists (and says so with `<file>.reached`)."""
    pause = os.environ.get("PARCOURS_TEST_PAUSE_FILE")
    deadline = time.monotonic() + 60
    while pause and Path(pause).exists() and time.monotonic() < deadline:
        Path(f"{pause}.reached").touch()
        time.sleep(0.05)


def register_ping() -> None:
    registry.register(PingKind)


def unregister_ping() -> None:
    registry.unregister(PING)
