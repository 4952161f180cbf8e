"""The JSON API under /api/, its authentication and its error format.

Each app contributes a ninja Router; this module mounts them. Every error is JSON with a
4xx status: {"detail": ...}.
"""

from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from ninja.security import APIKeyCookie, HttpBearer, django_auth

from courses.api import router as courses_router
from tracker.accounts.api import router as accounts_router
from tracker.accounts.models import ApiToken
from tracker.assessments.api import router as assessments_router
from tracker.certificates.api import router as certificates_router
from tracker.progress.api import router as progress_router
from tracker.reminders.api import router as reminders_router
from tracker.teams.api import router as teams_router


class BearerToken(HttpBearer):
    """Personal access tokens: `Authorization: Bearer pat_...`."""

    def authenticate(self, request: HttpRequest, token: str):
        user = ApiToken.authenticate(token)
        if user is not None:
            request.user = user
        return user


# Session cookie (the browser) with CSRF checks on unsafe methods, or a bearer token.
API_AUTH: list[APIKeyCookie | HttpBearer] = [BearerToken(), django_auth]

# The error answers every operation may give, in the shapes ninja produces: `HttpError`
# and 404 answer {"detail": "..."}; a request that fails validation answers 422 with
# {"detail": [{"type", "loc", "msg"}, ...]} (some services' refusals: a sentence).
_DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string", "description": "What went wrong."}},
    "required": ["detail"],
}
_VALIDATION_DETAIL = {
    "type": "object",
    "properties": {
        "detail": {
            "anyOf": [
                {"type": "string"},
                {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "type": {"type": "string"},
                            "loc": {
                                "type": "array",
                                "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
                            },
                            "msg": {"type": "string"},
                        },
                        "required": ["loc", "msg"],
                    },
                },
            ],
            "description": "The refusal, or one entry per invalid field.",
        }
    },
    "required": ["detail"],
}
_ERRORS = {
    "Error": (_DETAIL, "An error, explained in `detail`."),
    "ValidationError": (_VALIDATION_DETAIL, "Invalid input, field by field."),
}


def _error_response(name: str) -> dict[str, Any]:
    return {
        "description": _ERRORS[name][1],
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}},
    }


class ParcoursAPI(NinjaAPI):
    """Documents, on every operation, the errors any of them can answer, so the schema
    states every status the API gives (400 for a body that is not JSON, 401 without valid
    credentials, 404 for an id that is not the caller's, 422 for invalid input), routers
    added later included."""

    def get_openapi_schema(self, **kwargs: Any) -> OpenAPISchema:
        schema = super().get_openapi_schema(**kwargs)
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        for name, (definition, _description) in _ERRORS.items():
            schemas.setdefault(name, definition)
        for path_item in schema["paths"].values():
            for operation in path_item.values():
                # Keys are ints, as ninja writes them: a "401" beside a 401 would be
                # a duplicate key in the JSON, which Swagger UI refuses to render.
                responses = operation["responses"]
                has_input = bool(operation.get("parameters")) or "requestBody" in operation
                if operation.get("security"):
                    responses.setdefault(401, _error_response("Error"))
                # Any request may be refused as invalid, if only for a NUL character in
                # its query string (tracker.middleware.RejectNulBytesMiddleware).
                responses.setdefault(422, _error_response("ValidationError"))
                if has_input:
                    # A path id or a body's reference may name nothing of the caller's.
                    responses.setdefault(404, _error_response("Error"))
                if "requestBody" in operation:
                    responses.setdefault(400, _error_response("Error"))  # not JSON at all
        return schema


api = ParcoursAPI(
    title="Parcours API",
    version="1",
    description="Catalogue, progress and team data of Parcours.",
    auth=API_AUTH,
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)

api.add_router("/", courses_router)
api.add_router("/", accounts_router)
api.add_router("/", assessments_router)
api.add_router("/", progress_router)
api.add_router("/", certificates_router)
api.add_router("/", teams_router)
api.add_router("/", reminders_router)
