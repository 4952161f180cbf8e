"""The demo organisation (`manage.py seed_demo`, tracker/management/commands/seed_demo.py).

It lives on the project's floor because it seeds every floor: people and teams (accounts),
plans and time entries (progress), then the seeders of certificates, assessments and teams,
called by name in STEPS, in that order. Idempotent: running it again reuses the users and
team, and only adds the time entries a learner does not have yet (days already covered are
left alone).
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from courses.models import Course, Phase, Track
from tracker.accounts.models import Membership, Team, User
from tracker.assessments.services import seed_assessments
from tracker.certificates.services import seed_certificates
from tracker.progress import services
from tracker.progress.cache import progress_changed
from tracker.progress.models import Enrolment, PhaseChoice, Plan, TimeEntry
from tracker.teams.services import seed_assignments

DOMAIN = "parcours.test"
TEAM_NAME = "Demo team"
TRACK_HINTS = ("product owner", "product-owner", "ai-po", "po")


@dataclass
class Demo:
    """What the steps share: the options and the users made so far."""

    learners: int
    days: int
    password: str
    today: datetime.date
    admin: User | None = None
    manager: User | None = None
    team: Team | None = None
    users: list[User] = field(default_factory=list)  # every demo learner
    rng: random.Random = field(default_factory=lambda: random.Random(42))  # noqa: S311


def seed_people(demo: Demo) -> None:
    """Admin, manager and learners (all with the given password), and the demo team."""
    password_hash = make_password(demo.password)  # hashed once, not once per learner
    wanted = {
        f"admin@{DOMAIN}": ("Ada Admin", {"is_staff": True, "is_superuser": True}),
        f"manager@{DOMAIN}": ("Mia Manager", {}),
        f"learner@{DOMAIN}": ("Léa Learner", {}),
    }
    for n in range(1, demo.learners + 1):
        wanted[f"learner{n:03d}@{DOMAIN}"] = (f"Learner {n:03d}", {})
    existing = {u.email: u for u in User.objects.filter(email__in=wanted)}
    User.objects.bulk_create(
        User(email=email, name=name, password=password_hash, **extra)
        for email, (name, extra) in wanted.items()
        if email not in existing
    )
    # The password given now is the one that works, also for users made by an earlier run.
    User.objects.filter(email__in=wanted).update(password=password_hash)
    users = {u.email: u for u in User.objects.filter(email__in=wanted)}
    demo.admin = users[f"admin@{DOMAIN}"]
    demo.manager = users[f"manager@{DOMAIN}"]
    demo.users = [users[f"learner@{DOMAIN}"]] + [
        users[f"learner{n:03d}@{DOMAIN}"] for n in range(1, demo.learners + 1)
    ]
    demo.team, _created = Team.objects.get_or_create(name=TEAM_NAME)
    demo.team.managers.add(demo.manager)
    members = set(demo.team.memberships.values_list("user_id", flat=True))
    Membership.objects.bulk_create(
        Membership(team=demo.team, user=u) for u in demo.users if u.pk not in members
    )


def demo_track() -> Track | None:
    """The AI Product Owner track when it is imported, else the first track, else None."""
    tracks = list(Track.objects.all())
    for track in tracks:
        text = f"{track.code} {track.name_fr} {track.name_en}".lower()
        if any(hint in text for hint in TRACK_HINTS):
            return track
    return tracks[0] if tracks else None


def demo_courses(demo: Demo, track: Track | None) -> tuple[list[Phase], dict[int, list[Course]]]:
    """Phases with their options, or whatever courses exist, as one pseudo-phase."""
    if track is not None:
        phases = list(track.phases.order_by("order"))
        options: dict[int, list[Course]] = {p.pk: [] for p in phases}
        for course in Course.objects.filter(phase__in=phases, is_active=True).order_by("code"):
            options[course.phase_id].append(course)
        phases = [p for p in phases if options[p.pk]]
        if phases:
            return phases, options
    courses = list(Course.objects.filter(is_active=True).order_by("code")[:3])
    return [], {0: courses} if courses else {}


def seed_plans(demo: Demo) -> None:
    """Each learner follows the track and picks an option per phase (or takes the courses)."""
    track = demo_track()
    phases, options = demo_courses(demo, track)
    if not options:
        return
    enrolled = set(Enrolment.objects.filter(user__in=demo.users).values_list("user_id", flat=True))
    chosen = set(PhaseChoice.objects.filter(user__in=demo.users).values_list("user_id", "phase_id"))
    planned = set(Plan.objects.filter(user__in=demo.users).values_list("user_id", "course_id"))
    enrolments, choices, plans = [], [], []
    for index, user in enumerate(demo.users):
        rng = random.Random(index)  # noqa: S311 - demo data, stable per learner
        start = demo.today - datetime.timedelta(days=max(demo.days - 1, 0))
        picks: list[tuple[Phase | None, Course]] = []
        if phases and track is not None:
            if user.pk not in enrolled:
                enrolments.append(Enrolment(user=user, track=track))
            picks = [(p, rng.choice(options[p.pk])) for p in phases]
        else:
            picks = [(None, c) for c in options[0]]
        for phase, course in picks:
            if phase is not None and (user.pk, phase.pk) not in chosen:
                choices.append(PhaseChoice(user=user, phase=phase, course=course))
            if (user.pk, course.pk) not in planned:
                pace = course.weekly_hours or Decimal(rng.choice([3, 4, 5, 6, 8]))
                weeks = int(course.effort_hours / pace) + 1
                plans.append(
                    Plan(
                        user=user,
                        course=course,
                        start_date=start,
                        weekly_hours=min(pace, Decimal(80)),
                        target_date=start + datetime.timedelta(weeks=weeks + rng.randint(0, 8)),
                    )
                )
                planned.add((user.pk, course.pk))
            start += datetime.timedelta(weeks=4)
    Enrolment.objects.bulk_create(enrolments)
    PhaseChoice.objects.bulk_create(choices)
    Plan.objects.bulk_create(plans, batch_size=1000)


def seed_time_entries(demo: Demo) -> int:
    """Entries over the last D days: each learner studies their courses one after the
    other, finishes one when its effort (give or take 30%) is logged, then starts the next.
    Plans get the matching start, target and done dates. Draws are the same on every run,
    so a second run adds nothing."""
    first = demo.today - datetime.timedelta(days=demo.days - 1)
    plans: dict[int, list[Plan]] = {}
    for plan in (
        Plan.objects.filter(user__in=demo.users)
        .select_related("course")
        .order_by("course__phase__order", "course__code")
    ):
        plans.setdefault(plan.user_id, []).append(plan)
    covered = set(
        TimeEntry.objects.filter(user__in=demo.users, date__gte=first).values_list(
            "user_id", "date"
        )
    )
    entries: list[TimeEntry] = []
    changed: list[Plan] = []
    created = 0
    for index, user in enumerate(demo.users):
        user_plans = plans.get(user.pk, [])
        if not user_plans:
            continue
        rng = random.Random(1000 + index)  # noqa: S311
        diligence = rng.uniform(0.4, 0.95)  # how often this learner studies
        if index == 0:
            # learner@parcours.test studies less, so the demo shows a track under way.
            diligence = 0.3
        needs = [float(p.course.effort_hours) * 60 * rng.uniform(0.7, 1.3) for p in user_plans]
        current, logged, started = 0, 0, first
        starts: dict[int, datetime.date] = {}
        done: dict[int, datetime.date] = {}
        for offset in range(demo.days):
            day = first + datetime.timedelta(days=offset)
            studies = rng.random() <= diligence
            minutes = rng.choice([30, 45, 60, 90])
            if current >= len(user_plans) or not studies:
                continue
            starts.setdefault(current, day)
            if (user.pk, day) not in covered:
                entries.append(
                    TimeEntry(
                        user=user, course=user_plans[current].course, date=day, minutes=minutes
                    )
                )
            logged += minutes
            if logged >= needs[current]:
                done[current] = day
                current, logged = current + 1, 0
                started = day + datetime.timedelta(days=1)
        for position, plan in enumerate(user_plans):
            plan.start_date = starts.get(position, max(started, demo.today))
            weeks = float(plan.course.effort_hours / plan.weekly_hours)
            slack = rng.randint(-2, 6)
            plan.target_date = plan.start_date + datetime.timedelta(weeks=max(weeks + slack, 1))
            plan.done_on = done.get(position)
            plan.done_source = Plan.DoneSource.SELF if plan.done_on else ""
            changed.append(plan)
            started = plan.target_date
        if len(entries) >= 5000:
            # Whole learners at a time, so each one's summaries are rebuilt once.
            services.time_entries_bulk_create(entries=entries)
            created += len(entries)
            entries = []
    services.time_entries_bulk_create(entries=entries)
    Plan.objects.bulk_update(
        changed, ["start_date", "target_date", "done_on", "done_source"], batch_size=500
    )
    return created + len(entries)


def logins_text(demo: Demo) -> str:
    lines = [
        f"  Demo logins (password: {demo.password}):",
        f"    admin    admin@{DOMAIN}",
        f"    manager  manager@{DOMAIN}  (team: {TEAM_NAME}, {len(demo.users)} learners)",
        f"    learner  learner@{DOMAIN}",
    ]
    return "\n".join(lines) + "\n"


def seed_assessment_history(demo: Demo) -> None:
    """A few competency self-assessments per learner (the assessments app's own seeder)."""
    seed_assessments(users=demo.users, track=demo_track())


def seed_certificate_records(demo: Demo) -> None:
    """Certificates for courses learners finished (the certificates app's own seeder)."""
    seed_certificates(users=demo.users, today=demo.today)


def seed_team_assignments(demo: Demo) -> None:
    """The demo track assigned to the demo team with a due date (the teams app's seeder)."""
    seed_assignments(manager=demo.manager, team=demo.team, track=demo_track())


def mark_progress_changed(demo: Demo) -> None:
    """The steps write in bulk, past the services: say so, or cached figures would stay."""
    progress_changed(user_ids=[u.pk for u in demo.users] + [demo.manager.pk])


# Every step, in order; each takes the Demo. A new app's demo data is one more line here.
STEPS = [
    seed_people,
    seed_plans,
    seed_time_entries,
    seed_certificate_records,
    seed_assessment_history,
    seed_team_assignments,
    mark_progress_changed,
]


def seed_demo(*, learners: int, days: int, password: str) -> Demo:
    """Run every step in one transaction and write the logins to VAR_DIR/demo-logins.txt."""
    demo = Demo(learners=learners, days=days, password=password, today=timezone.localdate())
    with transaction.atomic():
        for step in STEPS:
            step(demo)
    path = Path(settings.VAR_DIR) / "demo-logins.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(logins_text(demo), encoding="utf-8")
    return demo
