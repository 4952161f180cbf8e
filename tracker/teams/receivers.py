"""A plan created after an assignment (the learner chooses a phase's option of an
assigned track) takes the assignment's due date as its target.

A receiver rather than a call in progress.services: progress must not know about teams
(imports go one way, teams -> progress).
"""

from __future__ import annotations

from django.db.models import Q
from django.db.models.signals import post_save
from django.dispatch import receiver

from tracker.progress.models import Plan

from .models import Assignment


@receiver(post_save, sender=Plan, dispatch_uid="teams_plan_assignment_due_date")
def plan_takes_assignment_due_date(sender, instance: Plan, created: bool, **kwargs) -> None:
    if not created or instance.done_on is not None:
        return
    course = instance.course
    assignments = Assignment.objects.filter(assignee_id=instance.user_id).filter(
        Q(course_id=course.pk) | Q(track_id=course.track_id, track__isnull=False)
    )
    due_dates = list(assignments.values_list("due_date", flat=True))
    due = min(due_dates) if due_dates else None
    if due is not None and due >= instance.start_date:
        Plan.objects.filter(pk=instance.pk).update(
            target_date=due, target_source=Plan.TargetSource.ASSIGNMENT
        )
        instance.target_date = due
        instance.target_source = Plan.TargetSource.ASSIGNMENT
