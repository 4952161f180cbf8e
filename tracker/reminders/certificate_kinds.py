"""Reminder kind built on the certificates app: a certificate's expiry, announced 60, 30
and 7 days before and on the day, at the learner's own hour (their digest hour, local).

Each stage is one reminder, keyed on the certificate and its expiry date (a new expiry
date starts a new series). Only the latest stage that has come is ever proposed: when a
pass slept through several stages, or the certificate was recorded late (5 days before
it expires), the learner gets the one that still says something true, never a "60 days
left" that is no longer so. A certificate renewed by a later one (certificates'
`current_certificates`) or deleted is no longer read, so its series stops.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.utils.translation import gettext_lazy as _

from tracker.accounts.models import User
from tracker.certificates.models import EXPIRY_WARNING_DAYS
from tracker.certificates.selectors import current_certificates
from tracker.progress import verdicts

from .kinds import (
    DEFER,
    Due,
    Kind,
    catch_up_window,
    date_label,
    gettext,
    lookback_days,
    ngettext,
    preference_of,
    register,
    url_for,
    user_ids,
)

# Days before the expiry date, latest stage first. The first stage is the UI's "expires
# soon" flag's horizon, so the reminder and the flag start on the same day.
STAGES: tuple[int, ...] = (0, 7, 30, EXPIRY_WARNING_DAYS)


def stage_due(*, user: User, expires_on: dt.date, now: dt.datetime) -> int | None:
    """The latest stage (days before expiry) whose moment has come at `now`, or None:
    before the first stage, or once the expiry day is older than the catch-up window."""
    hour = dt.time(preference_of(user).digest_hour)
    on_the_day = dt.datetime.combine(expires_on, hour, tzinfo=user.tzinfo)
    if now - on_the_day > catch_up_window(user):
        return None
    for days in STAGES:
        day = expires_on - dt.timedelta(days=days)
        if dt.datetime.combine(day, hour, tzinfo=user.tzinfo) <= now:
            return days
    return None


@register
class CertificateExpiry(Kind):
    name = "certificate_expiry"
    label = _("Certificate expiry")
    during_pause = DEFER  # held by a pause, the latest stage is sent when it ends

    def due(self, *, now: dt.datetime, users: Sequence[User]) -> Iterable[Due]:
        if not users:
            return []
        todays = verdicts.todays(users=users, now=now).values()
        lookback = lookback_days(users)
        by_pk = {user.pk: user for user in users}
        # One query for the batch, whatever its number of users and certificates.
        certificates = (
            current_certificates()
            .filter(
                user_id__in=user_ids(users),
                expires_on__gte=min(todays) - lookback,
                expires_on__lte=max(todays) + dt.timedelta(days=max(STAGES) + 1),
            )
            .only("user_id", "title", "expires_on")
            .order_by("expires_on", "id")
        )
        result = []
        for certificate in certificates:
            user = by_pk[certificate.user_id]
            days = stage_due(user=user, expires_on=certificate.expires_on, now=now)
            if days is None:
                continue
            expires = certificate.expires_on.isoformat()
            # The message says the days actually left: a certificate recorded 5 days
            # before it expires gets the 7-day stage, saying "in 5 days"; the day's
            # reminder sent late (a pass caught up the next morning) says "expired on".
            days_left = (certificate.expires_on - verdicts.local_now(now, user.tzinfo).date()).days
            result.append(
                Due(
                    user=user,
                    subject=f"certificate:{certificate.pk}",
                    period=f"{expires}/{days}d",
                    context={
                        "certificate": certificate.pk,
                        "title": certificate.title,
                        "expires": expires,
                        "stage": days,
                        "days": days_left,
                    },
                    day=certificate.expires_on - dt.timedelta(days=days),
                )
            )
        return result

    def title(self, *, user: User, context: dict) -> str:
        names = {"title": context["title"], "date": _date(context)}
        if context["days"] < 0:
            return gettext("%(title)s expired on %(date)s") % names
        if context["days"] == 0:
            return gettext("%(title)s expires today") % names
        return gettext("%(title)s expires on %(date)s") % names

    def body(self, *, user: User, context: dict) -> str:
        names = {"title": context["title"], "date": _date(context), "days": context["days"]}
        if context["days"] < 0:
            when = gettext("Your certificate %(title)s expired on %(date)s.") % names
        elif context["days"] == 0:
            when = gettext("Your certificate %(title)s expires today.") % names
        else:
            when = (
                ngettext(
                    "Your certificate %(title)s expires in %(days)s day, on %(date)s.",
                    "Your certificate %(title)s expires in %(days)s days, on %(date)s.",
                    context["days"],
                )
                % names
            )
        renew = gettext("Once renewed, record the new certificate so your dashboard shows it.")
        return f"{when} {renew}"

    def url(self, *, context: dict) -> str:
        return url_for("certificates:list")


def _date(context: dict) -> str:
    return date_label(context["expires"])
