from django.contrib import admin

from .models import (
    Competency,
    CompetencyDomain,
    Course,
    ImportRun,
    Module,
    Phase,
    Track,
    TrackTarget,
)


class ModuleInline(admin.TabularInline):
    model = Module
    extra = 0


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "provider", "effort_hours", "is_free", "track", "phase"]
    list_filter = ["is_free", "track", "provider"]
    search_fields = ["code", "title", "provider"]
    inlines = [ModuleInline]
    readonly_fields = ["content_hash", "source_file", "created", "updated"]


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


class TrackTargetInline(admin.TabularInline):
    model = TrackTarget
    extra = 0


@admin.register(Track)
class TrackAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fr", "name_en"]
    inlines = [PhaseInline, TrackTargetInline]


@admin.register(CompetencyDomain)
class CompetencyDomainAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fr", "name_en", "order"]


@admin.register(Competency)
class CompetencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fr", "name_en", "domain", "is_active"]
    list_filter = ["domain", "is_active"]
    search_fields = ["code", "name_fr", "name_en"]


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["started", "source", "user", "dry_run", "ok"]
    readonly_fields = ["user", "source", "started", "finished", "dry_run", "ok", "report"]
