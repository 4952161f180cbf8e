"""The SCIM resources Parcours serves, as scim2-models models, and their mapping to the
product's User and Team.

scim2-models (pydantic) carries RFC 7643/7644's semantics that would be long and easy to
get wrong by hand: the schemas published at /Schemas are generated from these very
classes, payloads are validated by them (case-insensitive attribute names, mutability,
required attributes), PATCH operations are applied by `PatchOp.patch` and filters are
parsed into a tree (filters.py turns it into a query). The User resource declares only
the attributes the product keeps, so a directory is never told it can store more.
"""

from __future__ import annotations

from typing import Annotated, Any

from django.urls import reverse
from scim2_models import (
    URN,
    ComplexAttribute,
    GroupMember,
    Meta,
    Mutability,
    Required,
    Resource,
    Uniqueness,
)

from tracker.accounts.models import Team, User


class UserName(ComplexAttribute):
    formatted: str | None = None
    family_name: str | None = None
    given_name: str | None = None


class UserEmail(ComplexAttribute):
    value: Annotated[str | None, Required.true] = None
    type: str | None = None
    primary: bool | None = None


class ScimUser(Resource[Any]):
    """A person: userName, name, displayName, active and the account's email."""

    __schema__ = URN("urn:ietf:params:scim:schemas:core:2.0:User")

    user_name: Annotated[str | None, Uniqueness.server, Required.true] = None
    name: UserName | None = None
    display_name: str | None = None
    active: bool | None = None
    # Every account has one email address: the directory must send it.
    emails: Annotated[list[UserEmail] | None, Required.true] = None


class TeamMember(GroupMember):
    # RFC 7643's Group schema (§8.7.1) has no display for members: the product does not
    # store one either (a person's name is on the User).
    display: Annotated[str | None, Mutability.read_only] = None


class ScimGroup(Resource[Any]):
    """A team: displayName and members (the standard Group, members being people)."""

    __schema__ = URN("urn:ietf:params:scim:schemas:core:2.0:Group")

    display_name: Annotated[str | None, Required.true] = None
    members: list[TeamMember] | None = None


def absolute(request, name: str, *args: Any) -> str:
    return request.build_absolute_uri(reverse(name, args=args))


def user_resource(request, user: User) -> ScimUser:
    """The SCIM view of an account (one the directory never provisioned included: its
    userName is then its email, which is how a directory finds and links it)."""
    directory = getattr(user, "directory", None)
    name = UserName(
        formatted=user.name or None,
        given_name=(directory.given_name or None) if directory else None,
        family_name=(directory.family_name or None) if directory else None,
    )
    return ScimUser(
        id=str(user.pk),
        external_id=(directory.external_id or None) if directory else None,
        user_name=directory.user_name if directory else user.email,
        name=name if any((name.formatted, name.given_name, name.family_name)) else None,
        display_name=(directory.display_name or None) if directory else None,
        active=user.is_active,
        emails=[
            UserEmail(
                value=user.email,
                type=(directory.email_type or None) if directory else None,
                primary=directory.email_primary if directory else True,
            )
        ],
        meta=Meta(
            resource_type="User",
            created=directory.created if directory else user.date_joined,
            last_modified=directory.updated if directory else user.date_joined,
            location=absolute(request, "scim:user", user.pk),
        ),
    )


def group_resource(request, team: Team) -> ScimGroup:
    """The SCIM view of a team (its members prefetched in id order by the caller)."""
    directory = getattr(team, "directory", None)
    members = team.members.all()
    return ScimGroup(
        id=str(team.pk),
        external_id=(directory.external_id or None) if directory else None,
        display_name=team.name,
        members=[
            TeamMember(
                value=str(member.pk),
                ref=absolute(request, "scim:user", member.pk),
                type="User",
            )
            for member in members
        ]
        or None,
        meta=Meta(
            resource_type="Group",
            created=directory.created if directory else team.created,
            last_modified=directory.updated if directory else team.created,
            location=absolute(request, "scim:group", team.pk),
        ),
    )
