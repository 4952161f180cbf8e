from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, AuditEvent, Membership, Team, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "language", "is_staff", "is_active"]
    search_fields = ["email", "name"]
    list_filter = ["is_staff", "is_superuser", "is_active", "language"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("name", "language", "timezone", "weekly_hours_available")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "created"]
    search_fields = ["name"]
    filter_horizontal = ["managers"]
    inlines = [MembershipInline]

    def save_formset(self, request, form, formset, change) -> None:
        """An admin adds members directly (no invitation): each new one is told, and the
        team's history records who added or removed whom."""
        from tracker.teams import services  # teams builds on accounts, not the reverse

        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        with transaction.atomic():
            memberships = formset.save(commit=False)
            for membership in formset.deleted_objects:
                services.member_remove(
                    team=membership.team, user=membership.user, actor=request.user
                )
            new = [m for m in memberships if m.pk is None]
            for membership in memberships:
                membership.save()
            services.members_joined_directly(memberships=new, actor=request.user, via="admin")


class ReadOnlyAdmin(admin.ModelAdmin):
    """For audit trails: written by the services alone, never edited or deleted."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["created", "actor", "action", "user", "email", "team"]
    list_filter = ["action", "team"]
    search_fields = ["user__email", "actor__email", "email"]
    list_select_related = ["actor", "user", "team"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "hint", "created", "last_used", "revoked_at"]
    readonly_fields = ["token_hash", "hint", "created", "last_used"]
    search_fields = ["name", "user__email"]
