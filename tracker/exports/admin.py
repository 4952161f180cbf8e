from django.contrib import admin

from .models import CalendarFeed


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["user", "rotated_at"]
    raw_id_fields = ["user"]
    exclude = ["token"]  # a secret: the admin has no need to read it
