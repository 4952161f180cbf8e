"""Admin pages to import catalogue files from the browser: upload, preview, confirm."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from .importing.staging import staged_upload_confirm, staged_upload_get, staged_upload_stage
from .importing.uploads import MAX_UPLOAD_BYTES, UploadRefused, sources_from_uploads
from .models import Course, StagedUpload

IMPORT_PERMISSIONS = ("courses.add_course", "courses.change_course")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class CatalogueUploadForm(forms.Form):
    files = MultipleFileField(
        label=gettext_lazy("Catalogue files"),
        help_text=gettext_lazy(
            "Markdown files (.md) — a track.md, a competencies.md and course files — or one "
            ".zip archive of catalogue folders."
        ),
        widget=MultipleFileInput(attrs={"accept": ".md,.zip,text/markdown,application/zip"}),
    )

    def clean_files(self):
        uploads = []
        for upload in self.cleaned_data["files"]:
            if upload.size > MAX_UPLOAD_BYTES:
                raise forms.ValidationError(
                    _("%(name)s is larger than %(size)d MiB.")
                    % {"name": upload.name, "size": MAX_UPLOAD_BYTES // (1024 * 1024)}
                )
            uploads.append((upload.name, upload.read()))
        try:
            self.sources, self.upload_warnings = sources_from_uploads(uploads)
        except UploadRefused as error:
            raise forms.ValidationError(str(error)) from None
        if not self.sources:
            raise forms.ValidationError(_("No catalogue file (.md) in this upload."))
        return self.cleaned_data["files"]


def _context(request: HttpRequest, model_admin: admin.ModelAdmin, **extra) -> dict:
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "course_opts": Course._meta,
        "title": _("Import the catalogue"),
        **extra,
    }


def _check_permission(request: HttpRequest) -> None:
    if not request.user.has_perms(IMPORT_PERMISSIONS):
        raise PermissionDenied


def _get_staged(request: HttpRequest, upload_id: uuid.UUID) -> StagedUpload:
    staged = staged_upload_get(user=request.user, upload_id=upload_id)
    if staged is None:
        raise Http404(_("This upload has expired or is not yours; upload the files again."))
    return staged


def upload_view(request: HttpRequest, model_admin: admin.ModelAdmin) -> HttpResponse:
    _check_permission(request)
    form = CatalogueUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        staged, _report = staged_upload_stage(
            user=request.user, sources=form.sources, warnings=form.upload_warnings
        )
        return redirect("admin:courses_import_preview", upload_id=staged.pk)
    return TemplateResponse(
        request, "admin/courses/import_upload.html", _context(request, model_admin, form=form)
    )


# The course fields a preview names, as people read them (courses/importing/changes.py).
FIELD_LABELS = {
    "title": gettext_lazy("title"),
    "provider": gettext_lazy("provider"),
    "effort_hours": gettext_lazy("effort"),
    "weekly_hours": gettext_lazy("hours per week"),
    "prestige": gettext_lazy("prestige"),
    "price": gettext_lazy("price"),
    "url": gettext_lazy("link"),
    "badge": gettext_lazy("badge"),
    "status": gettext_lazy("status"),
    "option": gettext_lazy("option"),
    "phase": gettext_lazy("phase"),
}
HOURS_FIELDS = {"effort_hours", "weekly_hours"}


def _shown(value) -> str:
    return "—" if value in (None, "") else str(value)


def change_rows(staged: StagedUpload) -> list[dict]:
    """Per updated course file: its changes as phrases ("effort 120 → 110 h", "module
    added: Intro") and the learners whose plans and forecasts they touch."""
    affected = staged.report.get("affected", {})
    rows = []
    for change in staged.report.get("changes", []):
        phrases = []
        for item in change["fields"]:
            unit = " h" if item["field"] in HOURS_FIELDS else ""
            phrases.append(
                f"{FIELD_LABELS.get(item['field'], item['field'])} "
                f"{_shown(item['before'])} → {_shown(item['after'])}{unit}"
            )
        phrases += [_("module added: %(title)s") % {"title": t} for t in change["modules_added"]]
        phrases += [
            _("module removed: %(title)s") % {"title": t} for t in change["modules_removed"]
        ]
        if change.get("description"):
            phrases.append(_("description changed"))
        learners = affected.get(change["code"], {"count": 0, "sample": []})
        rows.append(
            {
                "file": change["file"],
                "code": change["code"],
                "phrases": phrases,
                "count": learners["count"],
                "sample": learners["sample"],
                "more": learners["count"] - len(learners["sample"]),
            }
        )
    return rows


def preview_view(
    request: HttpRequest, model_admin: admin.ModelAdmin, upload_id: uuid.UUID
) -> HttpResponse:
    _check_permission(request)
    staged = _get_staged(request, upload_id)
    return TemplateResponse(
        request,
        "admin/courses/import_preview.html",
        _context(
            request,
            model_admin,
            staged=staged,
            report=staged.report["preview"],
            course_changes=change_rows(staged),
        ),
    )


@require_POST
def confirm_view(
    request: HttpRequest, model_admin: admin.ModelAdmin, upload_id: uuid.UUID
) -> HttpResponse:
    _check_permission(request)
    staged = _get_staged(request, upload_id)
    if staged.report["preview"]["errors"]:
        messages.error(request, _("Fix the errors and upload the files again."))
        return redirect("admin:courses_import_preview", upload_id=staged.pk)
    report = staged_upload_confirm(staged=staged)
    if not report.ok:
        # The catalogue changed since the preview and the files no longer fit: show why.
        return TemplateResponse(
            request,
            "admin/courses/import_preview.html",
            _context(request, model_admin, staged=staged, report=report.as_dict(), failed=True),
            status=409,
        )
    messages.success(
        request,
        _("Catalogue imported: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
        % {
            "created": len(report.created),
            "updated": len(report.updated),
            "unchanged": len(report.unchanged),
        },
    )
    return redirect("admin:courses_importrun_change", report.run_id)
