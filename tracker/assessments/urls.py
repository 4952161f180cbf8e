from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("assessments/", views.history, name="history"),
    path("assessments/take/", views.take, name="take"),
    path("assessments/<int:assessment_id>/", views.detail, name="detail"),
    path("assessments/<int:assessment_id>/save/", views.save, name="save"),
    path("assessments/<int:assessment_id>/submit/", views.submit, name="submit"),
    path(
        "assessments/teams/<int:team_id>/members/<int:user_id>/",
        views.member,
        name="member",
    ),
]
