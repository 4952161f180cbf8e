"""Catalogue pages. The views are built in courses/views.py."""

from django.urls import path

from . import views

app_name = "courses"

urlpatterns = [
    path("catalogue/", views.catalogue, name="catalogue"),
]
