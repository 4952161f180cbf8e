"""The JSON API under /api/, its authentication and its error format.

Each app contributes a ninja Router; this module mounts them. Every error is JSON with a
4xx status: {"detail": ...}.
"""

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.security import APIKeyCookie, HttpBearer, django_auth

from courses.api import router as courses_router
from tracker.accounts.api import router as accounts_router
from tracker.accounts.models import ApiToken
from tracker.assessments.api import router as assessments_router
from tracker.progress.api import router as progress_router


class BearerToken(HttpBearer):
    """Personal access tokens: `Authorization: Bearer pat_...`."""

    def authenticate(self, request: HttpRequest, token: str):
        user = ApiToken.authenticate(token)
        if user is not None:
            request.user = user
        return user


# Session cookie (the browser) with CSRF checks on unsafe methods, or a bearer token.
API_AUTH: list[APIKeyCookie | HttpBearer] = [BearerToken(), django_auth]

api = NinjaAPI(
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
