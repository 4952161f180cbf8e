"""The product's reminder kinds, registered when the app is ready (apps.py).

Each works on a batch of users with a constant number of queries. Kinds that need data
which does not exist yet (due-date reminders need assignments, issue 5) are one more
class here when it does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from tracker.accounts.models import User
from tracker.assessments.models import Assessment
from tracker.progress import verdicts

from .kinds import (
    Due,
    Kind,
    date_label,
    gettext,
    preference_of,
    register,
    url_for,
    user_ids,
)


@register
class RetakeAssessment(Kind):
    """Every N weeks (the learner's choice) after their last self-assessment snapshot, at
    their digest hour: retake it. Not retaking it brings the reminder back N weeks later."""

    name = "retake"
    label = _("Self-assessment retake reminder")

    def due(self, *, now: dt.datetime, users: Sequence[User]) -> Iterable[Due]:
        last_by_user = dict(
            Assessment.objects.submitted()
            .filter(user_id__in=user_ids(users))
            .values("user_id")
            .annotate(last=Max("submitted_at"))
            .values_list("user_id", "last")
        )
        for user in users:
            last = last_by_user.get(user.pk)
            if last is None:
                continue
            pref = preference_of(user)
            tz = user.tzinfo
            last_day = last.astimezone(tz).date()
            interval = dt.timedelta(weeks=pref.retake_interval_weeks)
            # The latest whole interval since the snapshot, due at the digest hour local.
            cycles = (verdicts.local_now(now, tz).date() - last_day) // interval
            while cycles >= 1:
                due_day = last_day + cycles * interval
                due_at = dt.datetime.combine(due_day, dt.time(pref.digest_hour), tzinfo=tz)
                if due_at <= now:
                    weeks = cycles * pref.retake_interval_weeks
                    yield Due(
                        user=user,
                        subject="",
                        # One reminder per snapshot and interval: a new snapshot or a new
                        # interval starts a new series, an unchanged one never repeats.
                        period=f"{last_day.isoformat()}+{weeks}w",
                        context={"last": last_day.isoformat(), "weeks": weeks},
                    )
                    break
                cycles -= 1

    def title(self, *, user: User, context: dict) -> str:
        return gettext("Time to retake your self-assessment")

    def body(self, *, user: User, context: dict) -> str:
        last = date_label(context["last"])
        return gettext(
            "Your last self-assessment was on %(date)s, %(weeks)s weeks ago. Retake it to see "
            "how your competencies have moved."
        ) % {"date": last, "weeks": context["weeks"]}

    def url(self, *, context: dict) -> str:
        return url_for("assessments:take")
