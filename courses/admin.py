from django.contrib import admin
from django.template.loader import render_to_string
from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import admin_import
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
from .selectors import catalogue_changed


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
    change_list_template = "admin/courses/change_list_import.html"

    def save_model(self, request, obj: Course, form, change: bool) -> None:
        obj.refresh_search_text()  # an edited title is found by the catalogue's search
        super().save_model(request, obj, form, change)


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


class CatalogueChangeAdmin(admin.ModelAdmin):
    """An admin whose edits change what is cached under the catalogue's version
    (courses.selectors.catalogue_version: courses, tracks, import runs) without changing
    a course or a track: the competencies' names and order, which the dashboard's gaps
    and the team heatmap show. Each save or deletion says the catalogue changed."""

    def save_model(self, request, obj, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        catalogue_changed()

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        catalogue_changed()

    def delete_queryset(self, request, queryset) -> None:
        super().delete_queryset(request, queryset)
        catalogue_changed()


@admin.register(CompetencyDomain)
class CompetencyDomainAdmin(CatalogueChangeAdmin):
    list_display = ["code", "name_fr", "name_en", "order"]


@admin.register(Competency)
class CompetencyAdmin(CatalogueChangeAdmin):
    list_display = ["code", "name_fr", "name_en", "domain", "is_active"]
    list_filter = ["domain", "is_active"]
    search_fields = ["code", "name_fr", "name_en"]


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["started", "source", "user", "dry_run", "ok"]
    list_filter = ["source", "dry_run", "ok"]
    change_list_template = "admin/courses/change_list_import.html"
    readonly_fields = ["user", "source", "started", "finished", "dry_run", "ok", "report_tables"]
    exclude = ["report"]

    @admin.display(description=_("report"))
    def report_tables(self, obj: ImportRun) -> str:
        # The same tables as the upload preview; the template escapes every value.
        return render_to_string("admin/courses/import_report.html", {"report": obj.report})

    def has_add_permission(self, request) -> bool:
        return False  # runs are recorded by the importer, never typed in

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Django's "View %s" reads "Affichage de import" in French: name the run instead.
        run = self.get_object(request, object_id)
        if run is not None:
            extra_context = {"title": _("Catalogue import, %(run)s") % {"run": run}} | (
                extra_context or {}
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        def wrap(view):
            def wrapper(request, *args, **kwargs):
                return view(request, self, *args, **kwargs)

            return self.admin_site.admin_view(wrapper)

        return [
            path("upload/", wrap(admin_import.upload_view), name="courses_import_upload"),
            path(
                "upload/<uuid:upload_id>/",
                wrap(admin_import.preview_view),
                name="courses_import_preview",
            ),
            path(
                "upload/<uuid:upload_id>/confirm/",
                wrap(admin_import.confirm_view),
                name="courses_import_confirm",
            ),
            *super().get_urls(),
        ]
