"""Account forms: they validate; the services in services.py write."""

from __future__ import annotations

import unicodedata

from django import forms
from django.conf import settings
from django.contrib.auth.forms import (
    AuthenticationForm,
    BaseUserCreationForm,
    PasswordResetForm,
)
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from . import throttle
from .models import ApiToken, User
from .timezones import timezone_choices_for


class ThrottledAuthenticationForm(AuthenticationForm):
    """Email login that refuses further attempts after repeated failures."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Wrong email address or password."),
        "throttled": _(
            "Too many failed attempts. For your safety, please wait %(minutes)d minutes "
            "or reset your password."
        ),
    }

    throttled = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Email address")
        # Email keyboards on phones; the form is novalidate, so the server says what's wrong.
        self.fields["username"].widget.input_type = "email"

    def clean(self):
        email = self.cleaned_data.get("username") or ""
        ip = throttle.client_ip(self.request)
        if email and throttle.login_is_throttled(email=email, ip=ip):
            self.throttled = True
            raise forms.ValidationError(
                self.error_messages["throttled"],
                code="throttled",
                params={"minutes": throttle.WINDOW_SECONDS // 60},
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if email:
                throttle.login_failed(email=email, ip=ip)
            raise
        if self.get_user() is not None:  # not when the password was simply left empty
            throttle.login_succeeded(email=email)
        return cleaned


class TimeZonePicker:
    """The time zone as a <select> grouped by region, the person's own region first
    (timezones.timezone_choices_for); static/js/detect-timezone.js adds the browser's
    zone to the suggestions. Pass `accept_language` (the request's header)."""

    def _set_timezone_choices(self, accept_language: str, current: str, blank: bool) -> None:
        field = self.fields["timezone"]
        choices = timezone_choices_for(accept_language=accept_language, current=current)
        field.choices = [("", "—"), *choices] if blank else choices
        field.widget.attrs["data-detect-timezone"] = ""


class SignupForm(TimeZonePicker, BaseUserCreationForm):
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", "—"), *settings.LANGUAGES], required=False
    )
    timezone = forms.ChoiceField(label=_("Time zone"), required=False)

    class Meta:
        model = User
        fields = ("email", "name", "language", "timezone")
        labels = {"email": _("Email address"), "name": _("Name")}

    def __init__(self, *args, accept_language: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = True
        if "email" in self.fields:  # not when it comes from an invitation
            self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        # static/js/detect-timezone.js preselects the browser's zone when none is chosen.
        self._set_timezone_choices(accept_language, current="", blank=True)
        # Default to the language the visitor is reading the page in.
        self.fields["language"].initial = translation.get_language()

    def clean_email(self) -> str:
        # No "this address has an account" here: that would tell anyone which addresses
        # have one. The sign-up answers like the password reset, by email
        # (services.user_sign_up_request).
        return User.objects.normalize_email(self.cleaned_data["email"]).lower()

    def _get_validation_exclusions(self):
        return super()._get_validation_exclusions() | {"email"}  # same reason


class InvitedSignupForm(SignupForm):
    """Sign-up from an invitation link: the address is the invitation's (the link's
    token shows the person reads that mailbox)."""

    class Meta(SignupForm.Meta):
        fields = ("name", "language", "timezone")


class ProfileForm(TimeZonePicker, forms.ModelForm):
    class Meta:
        model = User
        fields = ("name", "language", "timezone", "weekly_hours_available")
        labels = {
            "name": _("Name"),
            "language": _("Language"),
            "timezone": _("Time zone"),
            "weekly_hours_available": _("Weekly hours available"),
        }
        help_texts = {
            "weekly_hours_available": _("Hours per week you can give to learning (0.5 to 80)."),
            "timezone": _(
                "Reminders and your week follow it. Your region comes first; type a city "
                "to jump to it."
            ),
        }

    def __init__(self, *args, accept_language: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self._set_timezone_choices(accept_language, current=self.instance.timezone, blank=False)


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ("name",)
        labels = {"name": _("Token name")}
        help_texts = {"name": _("What the token is for, e.g. “laptop script”.")}


class LocalizedPasswordResetForm(PasswordResetForm):
    """The reset email is written in the language of the account, not of the visitor."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Email address")  # the words of the login page

    def get_users(self, email):
        """Also people who never chose a password (added by an admin or a roster
        import): Django leaves them out, and the link is how they get in."""
        wanted = unicodedata.normalize("NFKC", email).casefold()
        return (  # the same guard as Django's against look-alike addresses
            user
            for user in User._default_manager.filter(email__iexact=email, is_active=True)
            if unicodedata.normalize("NFKC", user.email).casefold() == wanted
        )

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        with translation.override(context["user"].language or settings.LANGUAGE_CODE):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)
