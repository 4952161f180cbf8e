"""SCIM 2.0 endpoints (RFC 7644) under /scim/v2/, for the company directory.

Plain Django views rather than the /api/ (django-ninja) ones: SCIM has its own media type,
error body, PATCH semantics and discovery documents, which scim2-models provides. Every
view answers 404 unless PARCOURS_SCIM_TOKEN is set, then 401 without that bearer token:
a browser session, even an admin's, is never enough.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import CharField, DateTimeField, Prefetch, Q
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.crypto import constant_time_compare
from django.views.decorators.csrf import csrf_exempt
from pydantic import ValidationError
from scim2_models import (
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    Context,
    Error,
    ETag,
    Filter,
    InvalidSyntaxException,
    ListResponse,
    Meta,
    NotFoundException,
    NotImplementedException,
    Patch,
    PatchOp,
    ResourceType,
    ResponseParameters,
    SCIMException,
    ServiceProviderConfig,
    Sort,
)

from tracker.accounts.models import Team, User

from . import services
from .filters import GROUP_FIELDS, USER_FIELDS, filter_q
from .resources import ScimGroup, ScimUser, absolute, group_resource, user_resource

MEDIA_TYPE = "application/scim+json"
MAX_RESULTS = 200


class ScimResponse(JsonResponse):
    def __init__(self, data: dict, status: int = 200, **kwargs: Any) -> None:
        super().__init__(data, status=status, content_type=MEDIA_TYPE, **kwargs)


def _error(status: int, detail: str, scim_type: str | None = None) -> ScimResponse:
    error = Error(status=status, detail=detail, scim_type=scim_type)
    return ScimResponse(error.model_dump(), status=status)


def scim_view(methods: set[str]) -> Callable:
    """Token check, allowed methods, and every failure answered as a SCIM Error."""

    def decorate(view: Callable) -> Callable:
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            token = settings.PARCOURS_SCIM_TOKEN
            if not token:
                raise Http404("SCIM provisioning is not configured")
            given = request.headers.get("Authorization", "")
            scheme, _, raw = given.partition(" ")
            if scheme.lower() != "bearer" or not constant_time_compare(raw.strip(), token):
                response = _error(401, "A valid bearer token is required.")
                response["WWW-Authenticate"] = 'Bearer realm="scim"'
                return response
            if request.method not in methods:
                response = _error(405, f"{request.method} is not allowed here.")
                response["Allow"] = ", ".join(sorted(methods))
                return response
            try:
                return view(request, *args, **kwargs)
            except SCIMException as exc:
                error = exc.to_error()
                return ScimResponse(error.model_dump(), status=error.status or 400)
            except ValidationError as exc:
                error = Error.from_validation_errors(exc)[0]
                return ScimResponse(error.model_dump(), status=error.status or 400)

        return wrapper

    return decorate


def _body(request: HttpRequest) -> dict:
    try:
        payload = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        payload = None
    if not isinstance(payload, dict):
        raise _invalid_syntax("The body must be a JSON object.")
    return payload


def _invalid_syntax(detail: str) -> SCIMException:
    return InvalidSyntaxException(detail=detail)


def _response_parameters(request: HttpRequest, model: type) -> ResponseParameters:
    return ResponseParameters[model].model_validate(
        {
            "attributes": request.GET.get("attributes") or None,
            "excludedAttributes": request.GET.get("excludedAttributes") or None,
        }
    )


def _dump(resource: Any, request: HttpRequest, context: Context) -> dict:
    return resource.model_dump(
        scim_ctx=context,
        response_parameters=_response_parameters(request, type(resource)),
    )


def _int_param(request: HttpRequest, name: str, default: int) -> int:
    raw = request.GET.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError:
        raise _invalid_syntax(f"{name} must be an integer.") from None


def _list(request: HttpRequest, queryset, fields, to_resource, model) -> ScimResponse:
    expression = request.GET.get("filter")
    if expression:
        queryset = queryset.filter(filter_q(expression, fields)).distinct()
    start = max(_int_param(request, "startIndex", 1), 1)
    count = min(max(_int_param(request, "count", MAX_RESULTS), 0), MAX_RESULTS)
    parameters = _response_parameters(request, model)
    total = queryset.count()
    page = list(queryset.order_by("pk")[start - 1 : start - 1 + count]) if count else []
    listing = ListResponse[model](
        total_results=total,
        start_index=start,
        items_per_page=len(page),
        resources=[to_resource(request, item) for item in page],
    )
    return ScimResponse(
        listing.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE, response_parameters=parameters)
    )


# --- Users --------------------------------------------------------------------------------


def _users():
    """Every account the directory may see: all but those it deleted."""
    return (
        User.objects.select_related("directory")
        .filter(Q(directory__isnull=True) | Q(directory__deleted=False))
        .annotate(
            scim_user_name=Coalesce("directory__user_name", "email", output_field=CharField()),
            scim_modified=Coalesce(
                "directory__updated", "date_joined", output_field=DateTimeField()
            ),
        )
    )


def _user_or_404(user_id: str) -> User:
    user = _users().filter(pk=int(user_id)).first() if user_id.isdigit() else None
    if user is None:
        raise NotFoundException(detail=f"No user has the id {user_id}.")
    return user


def _reload_user(user: User) -> User:
    return User.objects.select_related("directory").get(pk=user.pk)


@scim_view({"GET", "POST"})
def users(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _list(request, _users(), USER_FIELDS, user_resource, ScimUser)
    resource = ScimUser.model_validate(_body(request), scim_ctx=Context.RESOURCE_CREATION_REQUEST)
    user, _created = services.user_create(resource=resource)
    out = user_resource(request, _reload_user(user))
    response = ScimResponse(_dump(out, request, Context.RESOURCE_CREATION_RESPONSE), status=201)
    response["Location"] = out.meta.location
    return response


@scim_view({"GET", "PUT", "PATCH", "DELETE"})
def user(request: HttpRequest, user_id: str) -> HttpResponse:
    found = _user_or_404(user_id)
    if request.method == "GET":
        return ScimResponse(
            _dump(user_resource(request, found), request, Context.RESOURCE_QUERY_RESPONSE)
        )
    if request.method == "DELETE":
        services.user_delete(user=found)
        return HttpResponse(status=204)
    with transaction.atomic():
        if request.method == "PUT":
            resource = ScimUser.model_validate(
                _body(request), scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST
            )
            resource.replace(user_resource(request, found))
        else:
            resource = user_resource(request, found)
            patch = PatchOp[ScimUser].model_validate(
                _body(request), scim_ctx=Context.RESOURCE_PATCH_REQUEST
            )
            patch.patch(resource)
        services.user_apply(user=found, resource=resource)
    context = (
        Context.RESOURCE_REPLACEMENT_RESPONSE
        if request.method == "PUT"
        else Context.RESOURCE_PATCH_RESPONSE
    )
    return ScimResponse(_dump(user_resource(request, _reload_user(found)), request, context))


# --- Groups -------------------------------------------------------------------------------


def _groups():
    return (
        Team.objects.select_related("directory")
        .filter(Q(directory__isnull=True) | Q(directory__deleted=False))
        .prefetch_related(Prefetch("members", queryset=User.objects.only("pk").order_by("pk")))
    )


def _group_or_404(group_id: str) -> Team:
    team = _groups().filter(pk=int(group_id)).first() if group_id.isdigit() else None
    if team is None:
        raise NotFoundException(detail=f"No group has the id {group_id}.")
    return team


def _reload_group(team: Team) -> Team:
    return _groups().get(pk=team.pk)


@scim_view({"GET", "POST"})
def groups(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _list(request, _groups(), GROUP_FIELDS, group_resource, ScimGroup)
    resource = ScimGroup.model_validate(_body(request), scim_ctx=Context.RESOURCE_CREATION_REQUEST)
    team = services.group_create(resource=resource)
    out = group_resource(request, _reload_group(team))
    response = ScimResponse(_dump(out, request, Context.RESOURCE_CREATION_RESPONSE), status=201)
    response["Location"] = out.meta.location
    return response


@scim_view({"GET", "PUT", "PATCH", "DELETE"})
def group(request: HttpRequest, group_id: str) -> HttpResponse:
    team = _group_or_404(group_id)
    if request.method == "GET":
        return ScimResponse(
            _dump(group_resource(request, team), request, Context.RESOURCE_QUERY_RESPONSE)
        )
    if request.method == "DELETE":
        services.group_delete(team=team)
        return HttpResponse(status=204)
    with transaction.atomic():
        if request.method == "PUT":
            resource = ScimGroup.model_validate(
                _body(request), scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST
            )
            resource.replace(group_resource(request, team))
        else:
            resource = group_resource(request, team)
            patch = PatchOp[ScimGroup].model_validate(
                _body(request), scim_ctx=Context.RESOURCE_PATCH_REQUEST
            )
            patch.patch(resource)
        services.group_apply(team=team, resource=resource)
    context = (
        Context.RESOURCE_REPLACEMENT_RESPONSE
        if request.method == "PUT"
        else Context.RESOURCE_PATCH_RESPONSE
    )
    return ScimResponse(_dump(group_resource(request, _reload_group(team)), request, context))


# --- Discovery ----------------------------------------------------------------------------


def _service_provider_config(request: HttpRequest) -> ServiceProviderConfig:
    return ServiceProviderConfig(
        documentation_uri=None,
        patch=Patch(supported=True),
        bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=True, max_results=MAX_RESULTS),
        change_password=ChangePassword(supported=False),
        sort=Sort(supported=False),
        etag=ETag(supported=False),
        authentication_schemes=[
            AuthenticationScheme(
                type="oauthbearertoken",
                name="Bearer token",
                description="The token set in PARCOURS_SCIM_TOKEN",
                primary=True,
            )
        ],
        meta=Meta(
            resource_type="ServiceProviderConfig",
            location=absolute(request, "scim:service_provider_config"),
        ),
    )


def _resource_types(request: HttpRequest) -> list[ResourceType]:
    types = []
    for model, endpoint, name in ((ScimUser, "/Users", "User"), (ScimGroup, "/Groups", "Group")):
        resource_type = ResourceType.from_resource(model)
        resource_type.id = name
        resource_type.name = name
        resource_type.endpoint = endpoint
        resource_type.meta = Meta(
            resource_type="ResourceType", location=absolute(request, "scim:resource_type", name)
        )
        types.append(resource_type)
    return types


def _schemas(request: HttpRequest) -> list:
    schemas = []
    for model, name in ((ScimUser, "User"), (ScimGroup, "Group")):
        schema = model.to_schema()
        schema.name = name
        schema.description = name
        schema.meta = Meta(
            resource_type="Schema", location=absolute(request, "scim:schema", schema.id)
        )
        schemas.append(schema)
    return schemas


def _discovery_list(items: list) -> ScimResponse:
    listing = ListResponse[type(items[0])](
        total_results=len(items), start_index=1, items_per_page=len(items), resources=items
    )
    return ScimResponse(listing.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))


@scim_view({"GET"})
def service_provider_config(request: HttpRequest) -> HttpResponse:
    config = _service_provider_config(request)
    return ScimResponse(config.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))


@scim_view({"GET"})
def resource_types(request: HttpRequest) -> HttpResponse:
    return _discovery_list(_resource_types(request))


@scim_view({"GET"})
def resource_type(request: HttpRequest, name: str) -> HttpResponse:
    for item in _resource_types(request):
        if item.id == name:
            return ScimResponse(item.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))
    raise NotFoundException(detail=f"No resource type {name}.")


@scim_view({"GET"})
def schemas(request: HttpRequest) -> HttpResponse:
    return _discovery_list(_schemas(request))


@scim_view({"GET"})
def schema(request: HttpRequest, schema_id: str) -> HttpResponse:
    for item in _schemas(request):
        if item.id == schema_id:
            return ScimResponse(item.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))
    raise NotFoundException(detail=f"No schema {schema_id}.")


@scim_view({"GET", "POST", "PUT", "PATCH", "DELETE"})
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    if rest.rstrip("/").endswith(".search"):
        # Searching by POST (RFC 7644 §3.4.3) is optional; filters on GET do the same.
        raise NotImplementedException(detail="Search with GET and a filter.")
    raise NotFoundException(detail="No such SCIM endpoint.")
