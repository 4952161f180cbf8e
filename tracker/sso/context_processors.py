from django.conf import settings


def sso(request) -> dict:
    """Whether the login page offers the company sign-in (no query)."""
    return {"sso_enabled": bool(settings.PARCOURS_OIDC_ISSUER)}
