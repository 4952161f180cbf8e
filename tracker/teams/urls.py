from django.urls import path

from . import views

app_name = "teams"

urlpatterns = [
    path("teams/roster/", views.roster_import, name="roster"),
    path("teams/roster/template.csv", views.roster_template, name="roster_template"),
    path("teams/<int:team_id>/", views.team_detail, name="detail"),
    path("teams/<int:team_id>/export.csv", views.team_export, name="export"),
    path("teams/<int:team_id>/history/", views.team_history, name="history"),
    path("teams/<int:team_id>/history.csv", views.team_history_export, name="history_export"),
    path("teams/<int:team_id>/assign/", views.assign, name="assign"),
    path(
        "teams/<int:team_id>/assignments/<int:assignment_id>/",
        views.assignment_edit,
        name="assignment_edit",
    ),
    path("teams/<int:team_id>/members/add/", views.member_add, name="member_add"),
    path(
        "teams/<int:team_id>/invitations/<int:invitation_id>/resend/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "teams/<int:team_id>/invitations/<int:invitation_id>/cancel/",
        views.invitation_cancel,
        name="invitation_cancel",
    ),
    path("teams/<int:team_id>/leave/", views.team_leave, name="leave"),
    path("invitations/<int:invitation_id>/", views.invitation_answer, name="invitation"),
    path("invitations/join/<str:token>/", views.invitation_signup, name="invitation_signup"),
    path("teams/<int:team_id>/members/<int:user_id>/", views.member_progress, name="member"),
    path(
        "teams/<int:team_id>/members/<int:user_id>/remove/",
        views.member_remove,
        name="member_remove",
    ),
]
