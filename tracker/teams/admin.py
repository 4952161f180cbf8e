from django.contrib import admin

from tracker.progress.cache import progress_changed

from .models import Assignment, AssignmentLog


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["assignee", "team", "track", "course", "due_date", "due_overridden"]
    list_filter = ["team", "track", "due_overridden"]
    search_fields = ["assignee__email", "assignee__name", "course__code", "track__code"]
    autocomplete_fields = ["assignee", "assigned_by"]
    raw_id_fields = ["course"]
    list_select_related = ["assignee", "team", "track", "course"]

    # Edits here skip the services: say that the assignees' cached progress is stale.
    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        previous = form.initial.get("assignee")  # the assignee may have been changed
        progress_changed(user_ids=[obj.assignee_id] + ([previous] if previous else []))

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        progress_changed(user_ids=[obj.assignee_id])

    def delete_queryset(self, request, queryset) -> None:
        assignees = list(queryset.values_list("assignee_id", flat=True))
        super().delete_queryset(request, queryset)
        progress_changed(user_ids=assignees)


@admin.register(AssignmentLog)
class AssignmentLogAdmin(admin.ModelAdmin):
    """Read only: the audit trail is written by the services alone."""

    list_display = ["created", "actor", "assignee", "team", "action", "target", "changes"]
    list_filter = ["action", "team"]
    search_fields = ["assignee__email", "actor__email", "target"]
    list_select_related = ["actor", "assignee", "team"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
