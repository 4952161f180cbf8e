from django.contrib import admin

from .models import Assessment, ManagerRating, Rating


class RatingInline(admin.TabularInline):
    model = Rating
    extra = 0
    fields = ["competency_code", "level", "target_level", "note", "evidence_url"]
    readonly_fields = fields
    can_delete = False


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["user", "status", "track_code", "submitted_at", "created"]
    list_filter = ["status"]
    search_fields = ["user__email"]
    readonly_fields = ["user", "status", "track", "submitted_at"]
    inlines = [RatingInline]


@admin.register(ManagerRating)
class ManagerRatingAdmin(admin.ModelAdmin):
    list_display = ["member", "manager", "competency_code", "level", "created"]
    search_fields = ["member__email", "manager__email", "competency_code"]
