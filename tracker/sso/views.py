"""The two steps of the authorization code flow (with PKCE): send the person to the
provider, then take them back. Both answer 404 unless PARCOURS_OIDC_ISSUER is set."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from .discovery import ProviderUnavailable, oidc_setting


def _unavailable(request: HttpRequest) -> HttpResponse:
    messages.error(
        request, _("The company sign-in is unavailable right now. Try again in a moment.")
    )
    return redirect(settings.LOGIN_URL)


class CompanyLoginView(OIDCAuthenticationRequestView):
    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args, **kwargs) -> None:
        # The parent reads the endpoint at construction; it is discovered in get().
        View.__init__(self, *args, **kwargs)
        self.OIDC_RP_CLIENT_ID = settings.PARCOURS_OIDC_CLIENT_ID

    def get(self, request: HttpRequest) -> HttpResponse:
        if not settings.PARCOURS_OIDC_ISSUER:
            raise Http404("Single sign-on is not configured")
        try:
            self.OIDC_OP_AUTH_ENDPOINT = oidc_setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except ProviderUnavailable:
            return _unavailable(request)
        return super().get(request)


class CompanyCallbackView(OIDCAuthenticationCallbackView):
    get_settings = staticmethod(oidc_setting)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not settings.PARCOURS_OIDC_ISSUER:
            raise Http404("Single sign-on is not configured")
        try:
            return super().get(request)
        except ProviderUnavailable:
            return _unavailable(request)

    def login_failure(self) -> HttpResponse:
        if not messages.get_messages(self.request):
            messages.error(self.request, _("The company sign-in did not succeed."))
        return super().login_failure()
