"""Project-wide request guards."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse

NUL = "\x00"


def _contains_nul(value: Any) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_contains_nul(k) or _contains_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_contains_nul(item) for item in value)
    return False


# Bodies a form reads field by field: Django's form fields refuse a NUL at the field, and
# a multipart body may be a large binary upload (a zip) that must not be read here.
_FORM_TYPES = frozenset({"multipart/form-data", "application/x-www-form-urlencoded"})


def _body_contains_nul(request: HttpRequest) -> bool:
    """Whether the body holds a NUL, raw or JSON-escaped, whatever its content type says:
    the API parses any body as JSON (`text/plain` included)."""
    if request.content_type in _FORM_TYPES and not request.path.startswith("/api/"):
        return False
    if request.content_type == "multipart/form-data":
        return False  # the API answers a multipart body 400 (not JSON) itself
    body = request.body
    # Cheap test first: most bodies name no NUL at all, raw or escaped.
    if b"\x00" not in body and b"\\u0000" not in body:
        return False
    try:
        return _contains_nul(json.loads(body))
    except ValueError:
        # Not JSON (a raw NUL inside a JSON string makes it invalid too): a raw NUL
        # is refused here, anything else the API answers itself.
        return b"\x00" in body


class RejectNulBytesMiddleware:
    """Refuses a request whose path, query string or body holds a NUL character.

    PostgreSQL cannot store or even compare a NUL in a text value: such an input would
    reach a query and end in a 500. Django's form fields already refuse it, but URL
    parameters, query strings and API bodies (of any content type: the API reads them
    all as JSON) are not form fields. The API answers 422
    JSON like its other refusals; pages answer 400.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            NUL in request.path
            or any(_contains_nul(k) or _contains_nul(v) for k, v in request.GET.lists())
            or _body_contains_nul(request)
        ):
            message = "A NUL character (0x00) is not allowed in a request."
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=422)
            return HttpResponseBadRequest(message)
        return self.get_response(request)
