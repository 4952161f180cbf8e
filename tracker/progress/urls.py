from django.urls import path

from . import views

app_name = "progress"

urlpatterns = [
    path("entries/", views.entry_list, name="entries"),
    path("entries/new/", views.entry_create, name="entry_create"),
    path("entries/new/dashboard/", views.entry_create_dashboard, name="entry_create_dashboard"),
    path("entries/new/course/<str:code>/", views.entry_create_course, name="entry_create_course"),
    path("entries/<int:pk>/", views.entry_row, name="entry_row"),
    path("entries/<int:pk>/edit/", views.entry_edit, name="entry_edit"),
    path("entries/<int:pk>/delete/", views.entry_delete, name="entry_delete"),
    path("timer/", views.timer, name="timer"),
    path("timer/start/", views.timer_start, name="timer_start"),
    path("timer/stop/", views.timer_stop, name="timer_stop"),
    path("plans/<str:code>/", views.plan_detail, name="plan"),
    path("plans/<str:code>/add/", views.plan_add, name="plan_add"),
    path("plans/<str:code>/remove/", views.plan_remove, name="plan_remove"),
    path("plans/<str:code>/done/", views.plan_done, name="plan_done"),
    path("plans/<str:code>/modules/", views.plan_modules, name="plan_modules"),
    path("tracks/<str:code>/join/", views.track_join, name="track_join"),
    path("tracks/<str:code>/leave/", views.track_leave, name="track_leave"),
    path("choose/<str:code>/", views.phase_choose, name="phase_choose"),
    path("pauses/", views.pauses, name="pauses"),
    path("pauses/rest-days/", views.rest_days, name="rest_days"),
    path("pauses/<int:pk>/delete/", views.pause_delete, name="pause_delete"),
    path("blocks/", views.study_blocks, name="blocks"),
    path("blocks/accept/", views.study_blocks_accept, name="blocks_accept"),
    path("blocks/settings/", views.study_block_settings, name="block_settings"),
    path("blocks/<int:pk>/done/", views.study_block_done, name="block_done"),
]
