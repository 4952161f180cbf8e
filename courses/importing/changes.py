"""What an import would change in the courses already on the catalogue, field by field
(effort 120 -> 110 h, prestige 4 -> 5, modules added or removed), and how many learners'
plans (and so their forecasts, which the progress model reads from the plans) it touches.

Read in a fixed number of queries whatever the number of files or of plans: the courses
and their modules in two, the learners in two (a count per course, then at most
SAMPLE_SIZE names per course with a window function). A course in 10,000 plans costs what
a course in one costs.

`courses` imports nothing from `tracker` (ARCHITECTURE.md, floor 0): the plans are
reached through the app registry by app label and model name (`apps.get_model("progress",
"Plan")`), which gives the model class at run time without an import; if the progress app
is not installed, no learner is counted.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber

from courses.models import Course, Module

from .specs import CourseSpec

SAMPLE_SIZE = 5
# The fields compared, in the order shown: (model field, spec attribute).
FIELDS = (
    ("title", "title"),
    ("provider", "provider"),
    ("effort_hours", "effort_hours"),
    ("weekly_hours", "weekly_hours"),
    ("prestige", "prestige"),
    ("price", "price"),
    ("url", "url"),
    ("badge", "badge"),
    ("status", "status"),
    ("option", "option"),
)


def _plain(value: Any) -> Any:
    """A JSON value that compares as people read it (120.00 == 120)."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


def course_changes(specs: list[tuple[CourseSpec, str]]) -> list[dict]:
    """For each (spec, file name) of a course already on the catalogue: {"file", "code",
    "fields": [{"field", "before", "after"}], "modules_added": [titles],
    "modules_removed": [titles], "description": bool}. Two queries."""
    codes = [spec.code for spec, _name in specs]
    courses = {c.code: c for c in Course.objects.filter(code__in=codes).select_related("phase")}
    modules: dict[int, list[str]] = {}
    for course_id, title in Module.objects.filter(course__code__in=codes).values_list(
        "course_id", "title"
    ):
        modules.setdefault(course_id, []).append(title)
    result = []
    for spec, name in specs:
        course = courses.get(spec.code)
        if course is None:
            continue
        fields = []
        for model_field, attribute in FIELDS:
            before, after = _plain(getattr(course, model_field)), _plain(getattr(spec, attribute))
            if (before or None) != (after or None):
                fields.append({"field": model_field, "before": before, "after": after})
        phase_before = course.phase.code if course.phase else ""
        if phase_before != (spec.phase_code or ""):
            fields.append({"field": "phase", "before": phase_before, "after": spec.phase_code})
        old = modules.get(course.pk, [])
        new = [module.title for module in spec.modules]
        result.append(
            {
                "file": name,
                "code": spec.code,
                "title": spec.title,
                "fields": fields,
                "modules_added": [t for t in new if t not in old],
                "modules_removed": [t for t in old if t not in new],
                "description": course.body_md.strip() != spec.body_md.strip(),
            }
        )
    return result


def learners_affected(codes: list[str]) -> dict[str, dict]:
    """{course code: {"count": learners with a plan of it, "sample": [names]}} for the
    courses with at least one plan. Two queries whatever the number of plans."""
    if not codes or not apps.is_installed("tracker.progress"):
        return {}
    plan = apps.get_model("progress", "Plan")
    plans = plan.objects.filter(course__code__in=codes)
    counts = dict(
        plans.order_by()
        .values("course__code")
        .annotate(n=Count("user_id", distinct=True))
        .values_list("course__code", "n")
    )
    result = {code: {"count": n, "sample": []} for code, n in counts.items()}
    ranked = (
        plans.annotate(
            rank=Window(
                RowNumber(),
                partition_by=F("course_id"),
                order_by=[F("user__name").asc(), F("user__email").asc()],
            )
        )
        .filter(rank__lte=SAMPLE_SIZE)
        .order_by("course__code", "rank")
        .values_list("course__code", "user__name", "user__email")
    )
    for code, name, email in ranked:
        result[code]["sample"].append(name or email)
    return result
