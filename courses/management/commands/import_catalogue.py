"""python manage.py import_catalogue PATH [PATH...] [--dry-run] [--format json]"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from courses.importing import Report, import_catalogue
from courses.models import ImportRun


class Command(BaseCommand):
    help = (
        "Import catalogue files (markdown with YAML frontmatter): validates everything, "
        "then writes in one transaction. Exit status 1 when any file is invalid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", help="files or folders (read recursively)")
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and report, write nothing"
        )
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, paths: list[str], dry_run: bool, format: str, **options) -> None:
        report = import_catalogue(paths, dry_run=dry_run, source=ImportRun.Source.COMMAND)
        if format == "json":
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
        else:
            self._write_text(report)
        if not report.ok:
            raise CommandError(
                _("%(count)d error(s): nothing was written.") % {"count": len(report.errors)},
                returncode=1,
            )

    def _write_text(self, report: Report) -> None:
        for label, ids in (
            (_("Created"), report.created),
            (_("Updated"), report.updated),
            (_("Unchanged"), report.unchanged),
        ):
            line = f"{label} ({len(ids)})"
            self.stdout.write(f"{line}: {', '.join(ids)}" if ids else line)
        if report.warnings:
            self.stdout.write(
                self.style.WARNING(_("Warnings (%(n)d):") % {"n": len(report.warnings)})
            )
            for problem in report.warnings:
                self.stdout.write(f"  {problem}")
        if report.errors:
            self.stdout.write(self.style.ERROR(_("Errors (%(n)d):") % {"n": len(report.errors)}))
            for problem in report.errors:
                self.stdout.write(f"  {problem}")
        elif report.dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
        else:
            self.stdout.write(self.style.SUCCESS(_("Catalogue imported.")))
