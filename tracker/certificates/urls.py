from django.urls import path

from . import views

app_name = "certificates"

urlpatterns = [
    path("", views.certificate_list, name="list"),
    path("<int:pk>/edit/", views.certificate_edit, name="edit"),
    path("<int:pk>/delete/", views.certificate_delete, name="delete"),
    path("<int:pk>/file/", views.certificate_file, name="file"),
]
