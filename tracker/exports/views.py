"""The learner's "My data" page and the downloads it links to. Everything is read for
request.user; the calendar feed alone is opened by its secret token (calendar apps cannot
log in), and an unknown or rotated token answers 404."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import calendar, selectors, services
from .formats import bad_dialect_response, csv_dialect, dialect_for_language
from .models import CalendarFeed


def _download(content: str | bytes, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def my_data(request: HttpRequest) -> HttpResponse:
    feed = services.calendar_feed_get_or_create(user=request.user)
    feed_url = request.build_absolute_uri(reverse("exports:calendar", args=[feed.token]))
    context = {
        "feed_url": feed_url,
        # webcal:// makes the browser hand the feed to the calendar app, which subscribes.
        "webcal_url": "webcal://" + feed_url.split("://", 1)[1],
        "dialect": dialect_for_language(translation.get_language()).name,
    }
    return render(request, "exports/my_data.html", context)


@login_required
@require_GET
def personal_data_json(request: HttpRequest) -> HttpResponse:
    data = selectors.personal_data(user=request.user)
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    return _download(
        body, content_type="application/json; charset=utf-8", filename="parcours-my-data.json"
    )


@login_required
@require_GET
def time_entries_csv(request: HttpRequest) -> HttpResponse:
    dialect = csv_dialect(request)
    if dialect is None:
        return bad_dialect_response()
    response = StreamingHttpResponse(
        selectors.time_entries_csv(user=request.user, dialect=dialect),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="parcours-time-entries.csv"'
    return response


@login_required
@require_GET
def time_entries_xapi(request: HttpRequest) -> HttpResponse:
    def course_url(code: str) -> str:
        return request.build_absolute_uri(reverse("courses:course", args=[code]))

    statements = selectors.xapi_statements(user=request.user, course_url=course_url)
    return _download(
        json.dumps(statements, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
        filename="parcours-xapi-statements.json",
    )


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token=token, user__is_active=True)
        .first()
    )
    if feed is None:
        raise Http404
    base_url = request.build_absolute_uri("/").rstrip("/")
    # No session here: the events speak the learner's language, not the calendar app's.
    with translation.override(feed.user.language):
        body = calendar.calendar_ics(user=feed.user, base_url=base_url)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="parcours.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response


@login_required
@require_POST
def calendar_feed_rotate(request: HttpRequest) -> HttpResponse:
    services.calendar_feed_rotate(user=request.user)
    messages.success(request, _("Your calendar has a new address: the old one no longer works."))
    return redirect("exports:my_data")
