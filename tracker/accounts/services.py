"""Writes on accounts: sign-up, profile, language, personal API tokens, invitations."""

from __future__ import annotations

import logging
from decimal import Decimal
from urllib.parse import urlparse

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.db import IntegrityError, transaction
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from . import audit, throttle
from .forms import LocalizedPasswordResetForm
from .models import ApiToken, User

logger = logging.getLogger(__name__)

INVITATIONS_PER_TASK = 200


@transaction.atomic
def user_sign_up(
    *, email: str, name: str, password: str, language: str = "", timezone: str = ""
) -> User:
    """An active account at once: for an address whose owner showed they read it (an
    invitation link). A plain sign-up goes through user_sign_up_request."""
    user = User.objects.filter(email__iexact=email, is_active=False, last_login=None).first()
    if user is None:
        return User.objects.create_user(
            email=email,
            password=password,
            name=name,
            language=language or settings.LANGUAGE_CODE,
            timezone=timezone or settings.TIME_ZONE,
        )
    _fill(user, name=name, password=password, language=language, timezone=timezone)
    user.is_active = True
    user.save()
    return user


class SignupTokenGenerator(PasswordResetTokenGenerator):
    """The link that confirms a sign-up: Django's reset token (signed, expires after
    PASSWORD_RESET_TIMEOUT), spent once the account is active."""

    key_salt = "tracker.accounts.SignupTokenGenerator"

    def _make_hash_value(self, user, timestamp) -> str:
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}"


signup_token_generator = SignupTokenGenerator()


def has_active_account(*, email: str) -> bool:
    return User.objects.filter(email__iexact=email, is_active=True).exists()


def is_unconfirmed(user: User) -> bool:
    """A sign-up whose link was never followed: not yet anybody's account."""
    return not user.is_active and user.last_login is None


def _fill(user: User, *, name: str, password: str, language: str, timezone: str) -> None:
    user.name = name
    user.set_password(password)
    user.language = language or settings.LANGUAGE_CODE
    user.timezone = timezone or settings.TIME_ZONE


def _send_account_email(user: User, template: str, **context) -> None:
    site = urlparse(settings.SITE_URL)
    LocalizedPasswordResetForm().send_mail(
        f"registration/{template}_subject.txt",
        f"registration/{template}_email.txt",
        {"user": user, "protocol": site.scheme, "domain": site.netloc, **context},
        None,
        user.email,
    )


def user_sign_up_request(
    *, email: str, name: str, password: str, language: str, timezone: str, ip: str
) -> None:
    """A sign-up answers the way Django's password reset does, the same whatever the
    address: a new address gets a link that confirms it and opens the account; an
    address that has an account gets a reminder to log in (or reset the password).
    Emails per address and IP are limited like the reset form's."""
    email = User.objects.normalize_email(email).lower()
    if not throttle.password_reset_allowed(email=email, ip=ip):
        return
    user = User.objects.filter(email__iexact=email).first()
    if user is not None and not is_unconfirmed(user):
        make_password(password)  # as slow as the other branch: no timing oracle
        _send_account_email(user, "signup_known")
        return
    user = user or User(email=email, is_active=False)
    _fill(user, name=name, password=password, language=language, timezone=timezone)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # the same address signed up at the same instant: one wins
        return
    _send_account_email(
        user,
        "signup_confirm",
        uid=urlsafe_base64_encode(force_bytes(user.pk)),
        token=signup_token_generator.make_token(user),
    )


def user_sign_up_confirm(*, user: User) -> None:
    user.is_active = True
    user.save(update_fields=["is_active"])


def user_update_profile(
    *, user: User, name: str, language: str, timezone: str, weekly_hours_available: Decimal
) -> User:
    user.name = name
    user.language = language
    user.timezone = timezone
    user.weekly_hours_available = weekly_hours_available
    user.save(update_fields=["name", "language", "timezone", "weekly_hours_available"])
    return user


def user_set_language(*, user: User, language: str) -> None:
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Returns the token and its raw value, to be shown once and never stored."""
    token, raw = ApiToken.issue(user=user, name=name)
    audit.record(action=audit.Action.TOKEN_CREATED, actor=user, user=user, name=name)
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoke()
        audit.record(
            action=audit.Action.TOKEN_REVOKED, actor=token.user, user=token.user, name=token.name
        )


# --- Invitations (people an admin added, e.g. by roster import) -----------------------


def invitations_send(*, user_ids: list[int], inviter: str = "") -> int:
    """Email each of these people who has not chosen a password yet a link to choose one
    (a password reset link, valid for PASSWORD_RESET_TIMEOUT), in their language, the
    way the reset form sends its own (a failed send is logged, the others go on).
    Returns how many were invited."""
    site = urlparse(settings.SITE_URL)
    form = LocalizedPasswordResetForm()
    invited = 0
    for user in User.objects.filter(pk__in=user_ids, is_active=True).order_by("pk"):
        if user.has_usable_password():
            continue  # they found their way in already
        context = {
            "user": user,
            "inviter": inviter,
            "protocol": site.scheme,
            "domain": site.netloc,
            "uid": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        }
        form.send_mail(
            "registration/invitation_subject.txt",
            "registration/invitation_email.txt",
            context,
            None,
            user.email,
        )
        invited += 1
    return invited


def invitations_enqueue(*, user_ids: list[int], inviter: str = "") -> bool:
    """Hand the invitations to Celery, a few hundred per task. False when the broker is
    down: nothing is lost, since they can still ask for a link from the login page."""
    from .tasks import send_invitations

    try:
        for start in range(0, len(user_ids), INVITATIONS_PER_TASK):
            chunk = user_ids[start : start + INVITATIONS_PER_TASK]
            send_invitations.apply_async((chunk, inviter), retry=False)
    except Exception:  # kombu raises OperationalError, socket and redis errors alike
        logger.warning("could not enqueue invitations for %d people", len(user_ids))
        return False
    return True


def user_set_weekly_hours(*, user: User, weekly_hours: Decimal) -> User:
    """The learner's pace (the first-run guide; the profile saves it with the rest)."""
    user.weekly_hours_available = weekly_hours
    user.save(update_fields=["weekly_hours_available"])
    return user
