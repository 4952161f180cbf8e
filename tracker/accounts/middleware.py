from django.conf import settings
from django.shortcuts import resolve_url
from django.utils import translation
from django_htmx.http import HttpResponseClientRedirect


class UserLanguageMiddleware:
    """A signed-in user sees the UI in the language of their profile.

    Runs after AuthenticationMiddleware; anonymous visitors keep LocaleMiddleware's choice
    (language cookie, then Accept-Language, then French).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


class HtmxLoginRedirectMiddleware:
    """An htmx request whose session expired gets a full-page redirect to the login page.

    Without it, htmx would follow the 302 and swap the login form into a fragment of the
    page. `HX-Redirect` makes the browser load the login page instead (django-htmx's
    advice), keeping `next` so the user comes back where they were.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            getattr(request, "htmx", False)
            and response.status_code == 302
            and response["Location"].startswith(resolve_url(settings.LOGIN_URL))
        ):
            return HttpResponseClientRedirect(response["Location"])
        return response
