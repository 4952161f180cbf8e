"""Admin: reminders are read-only records (what went out, what failed and why)."""

from django.contrib import admin

from .models import Notification, Reminder


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["kind", "user", "subject", "period", "state", "attempts", "sent_at"]
    list_filter = ["state", "kind"]
    search_fields = ["user__email", "subject", "period"]
    list_select_related = ["user"]
    readonly_fields = [field.name for field in Reminder._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "user", "kind", "created", "read"]
    list_filter = ["kind", "read"]
    search_fields = ["user__email", "title"]
    list_select_related = ["user"]
    readonly_fields = [field.name for field in Notification._meta.fields]

    def has_add_permission(self, request):
        return False
