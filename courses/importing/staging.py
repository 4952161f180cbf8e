"""Uploads kept between the dry-run preview and the confirm (see StagedUpload)."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.utils import timezone

from courses.models import ImportRun, StagedUpload

from .service import Report, import_catalogue
from .specs import Problem, SourceFile
from .uploads import pack, unpack

STAGED_FOR = datetime.timedelta(hours=1)


def staged_upload_stage(
    *, user: Any, sources: list[SourceFile], warnings: list[Problem]
) -> tuple[StagedUpload, Report]:
    """Dry-run the upload and keep its files for the confirm step."""
    StagedUpload.objects.filter(created__lt=timezone.now() - STAGED_FOR).delete()
    report = import_catalogue(
        sources, dry_run=True, user=user, source=ImportRun.Source.UPLOAD, warnings=warnings
    )
    staged = StagedUpload.objects.create(
        user=user,
        archive=pack(sources),
        report={
            "preview": report.as_dict(),
            "upload_warnings": [w.as_dict() for w in warnings],
            "changes": report.changes,
            "affected": report.affected,
        },
    )
    return staged, report


def staged_upload_get(*, user: Any, upload_id: uuid.UUID) -> StagedUpload | None:
    """The user's own staged upload, if it has not expired (anyone else's: None)."""
    return StagedUpload.objects.filter(
        pk=upload_id, user=user, created__gte=timezone.now() - STAGED_FOR
    ).first()


def staged_upload_confirm(*, staged: StagedUpload) -> Report:
    """Import the staged files for real; the staged row goes once the import is written."""
    warnings = [Problem(**w) for w in staged.report.get("upload_warnings", [])]
    report = import_catalogue(
        unpack(staged.archive),
        user=staged.user,
        source=ImportRun.Source.UPLOAD,
        warnings=warnings,
    )
    if report.ok:
        staged.delete()
    return report
