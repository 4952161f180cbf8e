"""The learner's catalogue pages and competency view, at their apps' own URLs
(`courses:course`..., `assessments:history`). tracker/urls.py mounts these before
courses' and assessments' patterns, so the project serves the composed pages; the apps'
plain views stay their own. tests/test_pages.py checks that each of these URLs resolves
here."""

from django.urls import path

from . import views

app_name = "pages"

urlpatterns = [
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/<str:code>/", views.course_detail, name="course"),
    path("tracks/<str:code>/", views.track_detail, name="track"),
    path("tracks/<str:code>/phases/<str:phase_code>/compare/", views.phase_compare, name="compare"),
    path("assessments/", views.competencies, name="competencies"),
]
