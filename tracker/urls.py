from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views
from .accounts import views as accounts_views
from .api import api
from .pages import views as pages_views
from .progress import start as first_run

# The admin named for the product, not "Django administration".
admin.site.site_header = _("Parcours administration")
admin.site.site_title = _("Parcours administration")
admin.site.index_title = _("Catalogue, people and teams")

urlpatterns = [
    path("", pages_views.dashboard, name="dashboard"),
    path("healthz", views.health, name="health"),
    # The first-run guide (progress.start): pick a track, a pace, each phase's option.
    path("start/", first_run.start_track, name="start"),
    path("start/<str:code>/pace/", first_run.start_pace, name="start_pace"),
    path("start/<str:code>/options/", first_run.start_options, name="start_options"),
    path("favicon.ico", views.favicon),
    path("accounts/", include("tracker.accounts.urls")),
    # The language switch also saves a signed-in user's profile language.
    path("i18n/setlang/", accounts_views.set_language, name="set_language"),
    path("progress/", include("tracker.progress.urls")),
    path("certificates/", include("tracker.certificates.urls")),
    path("", include("tracker.exports.urls")),
    path("", include("tracker.reminders.urls")),
    # The learner's catalogue pages (tracker/pages) answer the catalogue's URLs first: they
    # show courses' page with the learner's own data beside it. Only the track list stays
    # courses' own view; `courses:...` names still reverse to these URLs.
    path("", include("tracker.pages.urls")),
    path("", include("courses.urls")),
    path("", include("tracker.assessments.urls")),
    path("", include("tracker.teams.urls")),
    path("api/", api.urls),
    path("scim/v2/", include("tracker.scim.urls")),
    path("accounts/oidc/", include("tracker.sso.urls")),
    path("admin/", admin.site.urls),
]
