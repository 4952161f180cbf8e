"""Catalogue pages (stable URLs: see DESIGN.md, "Pages")."""

from django.urls import path

from . import views

app_name = "courses"

urlpatterns = [
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/<str:code>/", views.course_detail, name="course"),
    path("tracks/", views.track_list, name="tracks"),
    path("tracks/<str:code>/", views.track_detail, name="track"),
    path(
        "tracks/<str:code>/phases/<str:phase_code>/compare/",
        views.phase_compare,
        name="compare",
    ),
]
