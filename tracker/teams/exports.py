"""The team table as CSV: UTF-8 with a BOM (spreadsheets then read the accents right)
and every text cell that a spreadsheet would take for a formula made inert."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

from tracker.exports.formats import COMMA, CsvDialect, spreadsheet_safe
from tracker.progress.labels import status_label

from .selectors import TeamTable


def team_csv(*, table: TeamTable, dialect: CsvDialect = COMMA) -> str:
    """`dialect` gives the separator and the decimal mark of the numbers."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=dialect.delimiter)
    writer.writerow(
        [
            _("Name"),
            _("Email"),
            _("Assigned"),
            _("Due date"),
            _("Hours this week"),
            _("Total hours"),
            _("Percent"),
            _("Projected finish"),
            _("Status"),
            _("Last activity"),
        ]
    )
    for row in table.rows:
        writer.writerow(
            [
                spreadsheet_safe(row.member.name),
                spreadsheet_safe(row.member.email),
                spreadsheet_safe(" ; ".join(a.target_code for a in row.assignments)),
                row.due_date.isoformat() if row.due_date else "",
                dialect.number(row.week_hours),
                dialect.number(row.total_hours),
                dialect.number(row.percent, places=1),
                row.projected_finish.isoformat() if row.projected_finish else "",
                status_label(row.status) if row.status else "",
                row.last_activity.isoformat() if row.last_activity else "",
            ]
        )
    return out.getvalue()
