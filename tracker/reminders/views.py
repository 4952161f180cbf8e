"""Reminder pages: preferences, one-click unsubscribe, in-app notifications."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import kinds as registry
from . import selectors, services
from .forms import PreferencesForm
from .tokens import read_unsubscribe_token

ONE_CLICK_BODY = b"List-Unsubscribe=One-Click"


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    user = request.user
    current = selectors.preferences_of(user=user)
    kinds = selectors.kinds_for(user=user)
    initial = {
        "enabled_kinds": sorted(selectors.enabled_kinds_of(user=user)),
        "digest_weekday": current.digest_weekday,
        "digest_hour": current.digest_hour,
        "retake_interval_weeks": current.retake_interval_weeks,
    }
    form = PreferencesForm(request.POST or None, initial=initial, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.preferences_update(
            user=user,
            enabled_kinds=data["enabled_kinds"],
            shown_kinds=[kind.name for kind in kinds],
            digest_weekday=data["digest_weekday"],
            digest_hour=data["digest_hour"],
            retake_interval_weeks=data["retake_interval_weeks"],
        )
        messages.success(request, _("Your reminder preferences are saved."))
        return redirect("reminders:preferences")
    # The time zone is set in one place, the profile; this page says which one applies.
    return render(request, "reminders/preferences.html", {"form": form, "timezone": user.timezone})


# CSRF-exempt for one reason only: RFC 8058 one-click unsubscribe. A mail client POSTs
# `List-Unsubscribe=One-Click` to the header's URL with no cookie and no CSRF token; the
# signed token in the URL is the credential and the only effect is to switch reminders
# off. Every other POST (the confirm page's button) still goes through the CSRF check.
@csrf_exempt
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user_id, kind_name = read_unsubscribe_token(token)
    except signing.BadSignature:
        return render(request, "reminders/unsubscribe_invalid.html", status=400)
    kind = registry.get_kind(kind_name)
    if kind is None or not selectors.user_exists(user_id=user_id):
        return render(request, "reminders/unsubscribe_invalid.html", status=400)
    context = {"kind": kind, "token": token}
    if request.method == "GET":
        # Link scanners follow GETs: a GET only asks to confirm.
        return render(request, "reminders/unsubscribe_confirm.html", context)
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    if request.body.strip() != ONE_CLICK_BODY:
        refused = CsrfViewMiddleware(lambda r: HttpResponse()).process_view(request, None, (), {})
        if refused is not None:
            return refused
    services.kind_unsubscribe(user_id=user_id, kind=kind.name)
    return render(request, "reminders/unsubscribe_done.html", context)


def _notifications_page(request: HttpRequest, *, template: str = "reminders/notifications.html"):
    page = Paginator(selectors.notifications_of(user=request.user), 50).get_page(
        request.GET.get("page")
    )
    # oob: an htmx fragment also refreshes the nav's unread badge (out of band).
    return render(request, template, {"page": page, "oob": bool(request.htmx)})


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    return _notifications_page(request)


@login_required
@require_POST
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification = selectors.notification_of(user=request.user, notification_id=notification_id)
    services.notification_mark_read(user=request.user, notification_id=notification.pk)
    if request.htmx:
        notification.read = True
        context = {"notification": notification, "item_oob": True}
        return render(request, "reminders/notifications.html#item", context)
    return redirect("reminders:notifications")


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_all_read(user=request.user)
    if request.htmx:
        return _notifications_page(request, template="reminders/notifications.html#list")
    return redirect("reminders:notifications")
