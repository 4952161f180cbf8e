"""The learner's catalogue pages, at the catalogue's own URLs (courses/urls.py names them:
`courses:course`...). tracker/urls.py mounts these before courses' patterns, so the
project serves the composed pages; courses' plain views stay the app's own.
tests/test_pages.py checks that each of these URLs resolves here."""

from django.urls import path

from . import views

app_name = "pages"

urlpatterns = [
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/<str:code>/", views.course_detail, name="course"),
    path("tracks/<str:code>/", views.track_detail, name="track"),
    path("tracks/<str:code>/phases/<str:phase_code>/compare/", views.phase_compare, name="compare"),
]
