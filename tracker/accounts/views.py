"""Account pages: sign-up, login, profile, language, personal API tokens."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import check_for_language
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from . import selectors, services, throttle
from .forms import (
    ApiTokenForm,
    LocalizedPasswordResetForm,
    ProfileForm,
    SignupForm,
    ThrottledAuthenticationForm,
)


class LoginView(auth_views.LoginView):
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.throttled:
            response.status_code = 429
        return response


class PasswordResetView(auth_views.PasswordResetView):
    form_class = LocalizedPasswordResetForm

    def form_valid(self, form):
        allowed = throttle.password_reset_allowed(
            email=form.cleaned_data["email"], ip=throttle.client_ip(self.request)
        )
        if not allowed:
            # The same page as a sent email: saying "too many" would tell a stranger that
            # the address has an account.
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


@never_cache
@sensitive_post_parameters("password1", "password2")
def signup(request: HttpRequest) -> HttpResponse:
    """Answers like the password reset: "check your email", whatever the address (saying
    "this address has an account" would tell anyone who has one)."""
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = SignupForm(
        request.POST or None, accept_language=request.headers.get("Accept-Language", "")
    )
    if request.method == "POST" and form.is_valid():
        services.user_sign_up_request(
            email=form.cleaned_data["email"],
            name=form.cleaned_data["name"],
            password=form.cleaned_data["password1"],
            language=form.cleaned_data["language"],
            timezone=form.cleaned_data["timezone"],
            ip=throttle.client_ip(request),
        )
        return redirect("signup_sent")
    return render(request, "accounts/signup.html", {"form": form})


def signup_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/signup_sent.html")


@never_cache
def signup_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The link of the sign-up email. A GET only asks to confirm (mail scanners follow
    links); the POST opens the account and logs the person in."""
    user = selectors.user_from_uid(uidb64)
    valid = user is not None and services.signup_token_generator.check_token(user, token)
    if not valid:
        return render(request, "accounts/signup_confirm.html", {"valid": False}, status=400)
    if request.method != "POST":
        return render(request, "accounts/signup_confirm.html", {"valid": True})
    services.user_sign_up_confirm(user=user)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    with translation.override(user.language):
        messages.success(request, _("Welcome to Parcours!"))
    return with_language_cookie(redirect(settings.LOGIN_REDIRECT_URL), user.language)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(
        request.POST or None,
        instance=request.user,
        accept_language=request.headers.get("Accept-Language", ""),
    )
    if request.method == "POST" and form.is_valid():
        user = services.user_update_profile(
            user=request.user,
            name=form.cleaned_data["name"],
            language=form.cleaned_data["language"],
            timezone=form.cleaned_data["timezone"],
            weekly_hours_available=form.cleaned_data["weekly_hours_available"],
        )
        with translation.override(user.language):  # the next page speaks it already
            messages.success(request, _("Your profile is saved."))
        return with_language_cookie(redirect("profile"), user.language)
    context = {
        "form": form,
        "teams": selectors.teams_of_member(user=request.user),
        "activity": selectors.activity_of(user=request.user),
    }
    return render(request, "accounts/profile.html", context)


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, which also saves the choice in a signed-in user's profile
    (the profile language wins over the cookie, see UserLanguageMiddleware)."""
    response = i18n.set_language(request)
    language = request.POST.get(i18n.LANGUAGE_QUERY_PARAMETER, "")
    if (
        request.user.is_authenticated
        and language in dict(settings.LANGUAGES)
        and check_for_language(language)
    ):
        services.user_set_language(user=request.user, language=language)
    return response


NEW_TOKEN_SESSION_KEY = "accounts:new-api-token"  # noqa: S105 - a key name, not a secret


@never_cache
@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _token, raw_token = services.api_token_create(
            user=request.user, name=form.cleaned_data["name"]
        )
        # Post/redirect/get, so that a reload does not create a second token. The raw
        # value waits in the (server-side) session for the very next page, which pops it:
        # it is shown once and kept nowhere after.
        request.session[NEW_TOKEN_SESSION_KEY] = raw_token
        return redirect("api_tokens")
    context = {
        "form": form,
        "raw_token": request.session.pop(NEW_TOKEN_SESSION_KEY, None),
        "tokens": selectors.api_tokens_of(user=request.user),
    }
    return render(request, "accounts/tokens.html", context)


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = selectors.api_token_of(user=request.user, token_id=token_id)
    services.api_token_revoke(token=token)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("api_tokens")


def with_language_cookie(response: HttpResponse, language: str) -> HttpResponse:
    # Keeps the user's language after they log out, like the language switch does.
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
    )
    return response
