from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import run_checks


def favicon(request: HttpRequest) -> HttpResponse:
    # Browsers ask for /favicon.ico on pages that name no icon (the admin's).
    return redirect(static("img/favicon.svg"), permanent=True)


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """Liveness and readiness: the database answers a query and the broker accepts a
    connection; 503 when either is down, so the orchestrator stops routing here."""
    checks = run_checks()
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )
