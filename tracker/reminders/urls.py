from django.urls import path

from . import views

app_name = "reminders"

urlpatterns = [
    path("reminders/preferences/", views.preferences, name="preferences"),
    path("reminders/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("teams/<int:team_id>/remind/", views.team_remind, name="team_remind"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read-all/", views.notifications_read_all, name="read_all"),
    path("notifications/<int:notification_id>/read/", views.notification_read, name="read"),
]
