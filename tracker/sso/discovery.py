"""The OpenID provider's endpoints, read from its discovery document.

Only PARCOURS_OIDC_ISSUER is configured: the endpoints and signing keys' URL come from
`<issuer>/.well-known/openid-configuration` (OpenID Connect Discovery 1.0), fetched on the
first sign-in and kept in the cache for an hour, never at start-up (a provider that is
down must not stop the product from starting).
"""

from __future__ import annotations

import requests
from django.conf import settings
from django.core.cache import cache
from django.shortcuts import resolve_url
from mozilla_django_oidc.utils import import_from_settings

CACHE_SECONDS = 3600
TIMEOUT_SECONDS = 10


class ProviderUnavailable(Exception):
    """The provider's discovery document could not be read."""


def provider_config() -> dict:
    issuer = settings.PARCOURS_OIDC_ISSUER.rstrip("/")
    key = f"sso:discovery:{issuer}"
    config = cache.get(key)
    if config is None:
        try:
            response = requests.get(
                f"{issuer}/.well-known/openid-configuration", timeout=TIMEOUT_SECONDS
            )
            response.raise_for_status()
            config = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise ProviderUnavailable(str(exc)) from exc
        if config.get("issuer", "").rstrip("/") != issuer:
            raise ProviderUnavailable(f"the discovery document names another issuer: {config}")
        cache.set(key, config, CACHE_SECONDS)
    return config


# mozilla-django-oidc's setting names -> the discovery document's keys.
ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


def oidc_setting(attr: str, *default):
    """mozilla-django-oidc's `get_settings`, with the endpoints discovered and the client
    taken from the PARCOURS_OIDC_* variables."""
    if attr in ENDPOINTS:
        return provider_config()[ENDPOINTS[attr]]
    fixed = {
        "OIDC_RP_CLIENT_ID": settings.PARCOURS_OIDC_CLIENT_ID,
        "OIDC_RP_CLIENT_SECRET": settings.PARCOURS_OIDC_CLIENT_SECRET,
        "OIDC_RP_SIGN_ALGO": "RS256",
        "OIDC_RP_SCOPES": settings.PARCOURS_OIDC_SCOPES,
        "OIDC_USE_PKCE": True,
        "OIDC_USE_NONCE": True,
        "OIDC_AUTHENTICATION_CALLBACK_URL": "sso:callback",
        "LOGIN_REDIRECT_URL_FAILURE": resolve_url(settings.LOGIN_URL),
        "OIDC_TIMEOUT": TIMEOUT_SECONDS,
        "PARCOURS_OIDC_GROUPS_CLAIM": settings.PARCOURS_OIDC_GROUPS_CLAIM,
    }
    if attr in fixed:
        return fixed[attr]
    return import_from_settings(attr, *default)
