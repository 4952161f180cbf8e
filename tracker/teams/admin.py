from django.contrib import admin

from tracker.accounts.admin import ReadOnlyAdmin

from . import services
from .models import Assignment, AssignmentLog, Invitation


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["assignee", "team", "track", "course", "due_date", "due_overridden"]
    list_filter = ["team", "track", "due_overridden"]
    search_fields = ["assignee__email", "assignee__name", "course__code", "track__code"]
    autocomplete_fields = ["assignee", "assigned_by"]
    raw_id_fields = ["course"]
    list_select_related = ["assignee", "team", "track", "course"]

    # The admin saves and deletes rows itself: the services record each change in the
    # team's history (as for managers' changes) and keep plans and cached progress right.
    def save_model(self, request, obj, form, change) -> None:
        before = Assignment.objects.get(pk=obj.pk) if change else None
        super().save_model(request, obj, form, change)
        services.assignment_admin_saved(actor=request.user, assignment=obj, before=before)

    def delete_model(self, request, obj) -> None:
        services.assignment_remove(actor=request.user, assignment=obj)

    def delete_queryset(self, request, queryset) -> None:
        for assignment in queryset.select_related("track", "course"):
            services.assignment_remove(actor=request.user, assignment=assignment)


@admin.register(AssignmentLog)
class AssignmentLogAdmin(ReadOnlyAdmin):
    list_display = ["created", "actor", "assignee", "team", "action", "target", "changes"]
    list_filter = ["action", "team"]
    search_fields = ["assignee__email", "actor__email", "target"]
    list_select_related = ["actor", "assignee", "team"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Read only: managers invite from the team page, people answer on theirs."""

    list_display = ["email", "team", "inviter", "status", "created", "expires_at", "decided_at"]
    list_filter = ["status", "team"]
    search_fields = ["email", "inviter__email"]
    list_select_related = ["team", "inviter"]
    exclude = ["token_hash"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
