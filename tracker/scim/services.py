"""Writes the directory asks for: accounts created, changed, deactivated, reactivated;
teams created, renamed and given or relieved of members.

A directory never erases a person: DELETE and `active: false` both deactivate the account
(sign-in, API tokens and reminders stop; entries, plans and certificates stay, and team
tables show the person as deactivated). Creating the same person again, or `active: true`,
reactivates the same account. A hard delete stays an admin action (/admin/), and the last
active administrator is never deactivated by the directory (_keep_an_administrator).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from scim2_models import ForbiddenException, InvalidValueException, UniquenessException

from tracker.accounts.models import Team, User
from tracker.directory import directory_members_add
from tracker.teams.services import member_remove

from .models import DirectoryGroup, DirectoryUser
from .resources import ScimGroup, ScimUser

NAME_MAX = 150


def _fit(value: str | None, limit: int, attribute: str) -> str:
    """The value to store, refused rather than cut when it is longer than the field."""
    value = (value or "").strip()
    if len(value) > limit:
        raise InvalidValueException(detail=f"{attribute} is longer than {limit} characters.")
    return value


def _email_of(resource: ScimUser) -> str:
    """The account's email: the primary email, else the first one, else the userName
    when it is an address (what most directories send)."""
    emails = [e for e in resource.emails or [] if e.value]
    primary = next((e for e in emails if e.primary), emails[0] if emails else None)
    candidate = (primary.value if primary else resource.user_name) or ""
    candidate = User.objects.normalize_email(candidate.strip()).lower()
    try:
        validate_email(candidate)
    except ValidationError:
        raise InvalidValueException(
            detail="The user needs an email address (emails or an email userName)."
        ) from None
    return candidate


def _name_of(resource: ScimUser) -> str:
    name = resource.name
    parts = [name.given_name, name.family_name] if name else []
    composed = " ".join(p for p in parts if p)
    # displayName is kept apart (DirectoryUser): the account's name is the person's name.
    return _fit((name.formatted if name else None) or composed, NAME_MAX, "name")


def _check_user_name_free(user_name: str, *, allowed: User | None) -> None:
    taken = DirectoryUser.objects.filter(user_name__iexact=user_name)
    if allowed is not None and allowed.pk:
        taken = taken.exclude(user=allowed)
    if taken.exists():
        raise UniquenessException(detail=f"The userName {user_name!r} is taken.")


def _email_owner(email: str) -> User | None:
    return User.objects.filter(email__iexact=email).select_related("directory").first()


@transaction.atomic
def user_create(*, resource: ScimUser) -> tuple[User, bool]:
    """Create the account (no usable password: the person signs in with the company
    account or sets one through "forgot password"), or bring back the one the directory
    deleted. Returns (user, created)."""
    email = _email_of(resource)
    user_name = (resource.user_name or "").strip()
    owner = _email_owner(email)
    revived = None
    if owner is not None:
        directory = getattr(owner, "directory", None)
        if directory is None or not directory.deleted:
            # Someone has this account already: the directory finds it by
            # `userName eq "<email>"` and takes it over with PUT or PATCH.
            raise UniquenessException(detail=f"An account with the email {email} exists.")
        revived = owner
    else:
        gone = DirectoryUser.objects.filter(user_name__iexact=user_name, deleted=True).first()
        revived = gone.user if gone else None
    _check_user_name_free(user_name, allowed=revived)
    if revived is None:
        user = User(email=email)
        user.set_unusable_password()
    else:
        user = revived
    user_apply(user=user, resource=resource, default_active=True)
    return user, revived is None


@transaction.atomic
def user_apply(*, user: User, resource: ScimUser, default_active: bool | None = None) -> User:
    """Write a full SCIM User (PUT, or the result of a PATCH) onto the account."""
    user_name = (resource.user_name or "").strip()
    if not user_name:
        raise InvalidValueException(detail="userName is required.")
    email = _email_of(resource)
    if email != user.email.lower():
        owner = _email_owner(email)
        if owner is not None and owner.pk != user.pk:
            raise UniquenessException(detail=f"An account with the email {email} exists.")
    _check_user_name_free(user_name, allowed=user if user.pk else None)
    active = resource.active if resource.active is not None else default_active
    if active is False:
        _keep_an_administrator(user)
    user.email = email
    user.name = _name_of(resource)
    if active is not None:
        user.is_active = active
    user.save()
    name = resource.name
    emails = [e for e in resource.emails or [] if e.value]
    DirectoryUser.objects.update_or_create(
        user=user,
        defaults={
            "user_name": _fit(user_name, 254, "userName"),
            "external_id": _fit(resource.external_id, 254, "externalId"),
            "display_name": _fit(resource.display_name, NAME_MAX, "displayName"),
            "given_name": _fit(name.given_name if name else None, NAME_MAX, "name.givenName"),
            "family_name": _fit(name.family_name if name else None, NAME_MAX, "name.familyName"),
            "email_type": _fit(emails[0].type if emails else None, 64, "emails.type"),
            "email_primary": emails[0].primary if emails else None,
            "deleted": False,
            "updated": timezone.now(),
        },
    )
    return user


def _keep_an_administrator(user: User) -> None:
    """The directory may deactivate anyone but the last active administrator: with none
    left, nobody could sign in to /admin/ to undo it (demoting or erasing an admin stays
    an admin's action there). Answered 403, nothing written."""
    if not (user.pk and user.is_superuser and user.is_active):
        return
    others = User.objects.filter(is_superuser=True, is_active=True).exclude(pk=user.pk)
    if not others.exists():
        raise ForbiddenException(
            detail=f"{user.email} is the last active administrator: the directory cannot"
            " deactivate them. Make another administrator first, in /admin/."
        )


@transaction.atomic
def user_delete(*, user: User) -> None:
    """DELETE /Users/{id}: deactivate, and answer 404 for it from now on."""
    _keep_an_administrator(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    DirectoryUser.objects.update_or_create(
        user=user,
        defaults={"deleted": True, "updated": timezone.now()},
        create_defaults={"user_name": user.email, "deleted": True},
    )


def _member_ids(resource: ScimGroup) -> list[int]:
    ids: list[int] = []
    for member in resource.members or []:
        try:
            ids.append(int(member.value or ""))
        except ValueError:
            raise InvalidValueException(detail=f"No user has the id {member.value!r}.") from None
    found = set(User.objects.filter(pk__in=ids).values_list("pk", flat=True))
    missing = [i for i in ids if i not in found]
    if missing:
        raise InvalidValueException(detail=f"No user has the id {missing[0]}.")
    return list(dict.fromkeys(ids))


@transaction.atomic
def group_create(*, resource: ScimGroup) -> Team:
    """Create the team, or link the existing team of that name (groups are teams)."""
    name = (resource.display_name or "").strip()
    if not name or len(name) > NAME_MAX:
        raise InvalidValueException(detail="displayName is required (150 characters at most).")
    team = Team.objects.filter(name=name).select_related("directory").first()
    if team is not None:
        directory = getattr(team, "directory", None)
        if directory is not None and not directory.deleted:
            raise UniquenessException(detail=f"The group {name!r} exists.")
    else:
        team = Team.objects.create(name=name)
    group_apply(team=team, resource=resource)
    return team


@transaction.atomic
def group_apply(*, team: Team, resource: ScimGroup) -> Team:
    """Write a full SCIM Group (PUT, or the result of a PATCH): name and members. New
    members are added directly and notified; members who left lose this team's
    assignments, as when a manager removes them."""
    name = (resource.display_name or "").strip()
    if not name or len(name) > NAME_MAX:
        raise InvalidValueException(detail="displayName is required (150 characters at most).")
    if Team.objects.filter(name=name).exclude(pk=team.pk).exists():
        raise UniquenessException(detail=f"Another team is called {name!r}.")
    wanted = _member_ids(resource)
    if team.name != name:
        team.name = name
        team.save(update_fields=["name"])
    DirectoryGroup.objects.update_or_create(
        team=team,
        defaults={
            "external_id": _fit(resource.external_id, 254, "externalId"),
            "deleted": False,
            "updated": timezone.now(),
        },
    )
    current = set(team.memberships.values_list("user_id", flat=True))
    added = [uid for uid in wanted if uid not in current]
    if added:
        users = list(User.objects.filter(pk__in=added).order_by("pk"))
        directory_members_add(team=team, users=users)
    for user in User.objects.filter(pk__in=current - set(wanted)).order_by("pk"):
        member_remove(team=team, user=user, actor=None)
    return team


@transaction.atomic
def group_delete(*, team: Team) -> None:
    """DELETE /Groups/{id}: the team leaves the directory's hands; it stays, with its
    members and assignments, for an admin to keep or delete."""
    DirectoryGroup.objects.update_or_create(
        team=team, defaults={"deleted": True, "updated": timezone.now()}
    )
