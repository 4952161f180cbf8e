from django.urls import path

from . import views

app_name = "exports"

urlpatterns = [
    path("me/data/", views.my_data, name="my_data"),
    path("me/data/parcours-my-data.json", views.personal_data_json, name="json"),
    path("me/data/time-entries.csv", views.time_entries_csv, name="csv"),
    path("me/data/xapi-statements.json", views.time_entries_xapi, name="xapi"),
    path("me/data/calendar/rotate/", views.calendar_feed_rotate, name="calendar_rotate"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar"),
]
