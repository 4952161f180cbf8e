"""Reads: permission-scoped getters (a wrong owner answers 404) and the page summaries.

Every function here runs a fixed number of queries whatever the number of snapshots.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import (
    Prefetch,
    Q,
    QuerySet,
    prefetch_related_objects,
)
from django.shortcuts import get_object_or_404
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from courses.models import Competency, Course, Phase, Track, in_language
from courses.selectors import catalogue_version
from tracker.accounts.models import Team, User
from tracker.progress import cache as progress_cache
from tracker.progress import sql

from .charts import LevelLine, RadarChart, RadarSeries, change, level_line, radar_chart, signed
from .models import Assessment, ManagerRating, Rating
from .ranking import Gap, RankedOption, open_gaps, rank_options


def assessment_get_for_user(*, user: User, assessment_id: int) -> Assessment:
    return get_object_or_404(Assessment, pk=assessment_id, user=user)


def draft_get_for_user(*, user: User, assessment_id: int) -> Assessment:
    return get_object_or_404(Assessment.objects.drafts(), pk=assessment_id, user=user)


def snapshot_get_for_user(*, user: User, assessment_id: int) -> Assessment:
    return get_object_or_404(
        Assessment.objects.submitted().prefetch_related("ratings"), pk=assessment_id, user=user
    )


def draft_for_user(*, user: User) -> Assessment | None:
    return Assessment.objects.drafts().filter(user=user).first()


def framework_competencies() -> list[Competency]:
    """The active framework, in its order (domain, then competency)."""
    return list(Competency.objects.filter(is_active=True).select_related("domain"))


def track_for_learner(*, user: User, track_code: str | None = None) -> Track | None:
    """The track whose targets the learner is measured against.

    The `?track=` code when it names a track; else the track the learner joined last;
    else the first track, so a newcomer still sees a target profile. One query.
    """
    if track_code:
        chosen = Track.objects.filter(code=track_code).first()
        if chosen is not None:
            return chosen
    # SQL (Manager.raw) for the reason of teams.selectors.assignments_for_learner: every
    # dashboard view asks, and the ORM's filtered aggregate with a nulls-last order took
    # about 1.5 ms to compile. The tracks never joined come last, then by code.
    for track in Track.objects.raw(
        "SELECT t.* FROM courses_track t LEFT JOIN (SELECT track_id, MAX(joined_at) AS joined"
        " FROM progress_enrolment WHERE user_id = %s GROUP BY track_id) e"
        " ON e.track_id = t.id ORDER BY e.joined IS NULL, e.joined DESC, t.code LIMIT 1",
        [user.pk],
    ):
        return track
    return None


def tracks_to_compare() -> list[Track]:
    return list(Track.objects.order_by("code"))


def track_targets(*, track: Track | None) -> dict[str, int]:
    """Competency code -> target level for the track."""
    if track is None:
        return {}
    # SQL for the reason of ranked_track_options: the dashboard and the compare page ask.
    return dict(
        sql.select(
            "SELECT comp.code, tt.level FROM courses_tracktarget tt"
            " JOIN courses_competency comp ON comp.id = tt.competency_id WHERE tt.track_id = %s",
            [track.pk],
        )
    )


def snapshots_for_user(*, user: User) -> list[Assessment]:
    """Every submitted snapshot, newest first, with its ratings (two queries)."""
    return list(
        Assessment.objects.submitted()
        .filter(user=user)
        .order_by("-submitted_at", "-id")
        .prefetch_related(Prefetch("ratings", queryset=Rating.objects.order_by("position")))
    )


def latest_manager_ratings(*, member: User) -> dict[str, ManagerRating]:
    """Competency code -> the latest manager rating of the member (one query)."""
    latest: dict[str, ManagerRating] = {}
    for rating in ManagerRating.objects.filter(member=member).select_related("manager"):
        latest.setdefault(rating.competency_code, rating)  # ordered newest first
    return latest


def team_member_for_manager(*, manager: User, team_id: int, user_id: int) -> tuple[Team, User]:
    """The team (managed by `manager`) and one of its members; 404 otherwise."""
    team = get_object_or_404(Team, pk=team_id, managers=manager)
    member = get_object_or_404(team.members.all(), pk=user_id)
    return team, member


@dataclass
class CompetencyRow:
    """One line of the history: a competency's levels per snapshot, oldest first."""

    code: str
    name: str
    target: int | None
    levels: list[int | None]
    latest_rating: Rating | None = None
    manager_rating: ManagerRating | None = None
    chart: LevelLine | None = None  # the small line chart of its levels over time

    @property
    def latest(self) -> int | None:
        return self.levels[-1] if self.levels else None

    @property
    def previous(self) -> int | None:
        return self.levels[-2] if len(self.levels) > 1 else None

    @property
    def change(self) -> str:
        """The latest move: "+1", "-1" (U+2212), "0" ("" when one of the two is not rated)."""
        return signed(change(self.latest, self.previous))


@dataclass
class Overview:
    track: Track | None
    snapshots: list[Assessment]
    draft: Assessment | None
    targets: dict[str, int]
    gaps: list[Gap]
    unrated: list[Gap]
    rows: list[CompetencyRow]
    radar: RadarChart | None
    manager_ratings: dict[str, ManagerRating] = field(default_factory=dict)

    @property
    def latest(self) -> Assessment | None:
        return self.snapshots[0] if self.snapshots else None

    @property
    def previous(self) -> Assessment | None:
        return self.snapshots[1] if len(self.snapshots) > 1 else None

    @property
    def dates(self) -> list:
        return [s.submitted_at for s in reversed(self.snapshots)]


def _levels(snapshot: Assessment | None) -> dict[str, int | None]:
    if snapshot is None:
        return {}
    return {r.competency_code: r.level for r in snapshot.ratings.all()}


def gaps_for(
    *, levels: dict[str, int | None], targets: dict[str, int], names: dict[str, str]
) -> list[Gap]:
    """Target minus level for every competency the track targets (unrated ones too)."""
    return [
        Gap(code=code, name=names.get(code, code), target=target, level=levels.get(code))
        for code, target in targets.items()
    ]


def assessment_overview(*, user: User, track: Track | None, with_draft: bool = True) -> Overview:
    """Everything the history page shows, in a fixed number of queries."""
    competencies = framework_competencies()
    snapshots = snapshots_for_user(user=user)
    targets = track_targets(track=track)
    names = {c.code: c.name for c in competencies}
    # A competency dropped from the framework still has its line, named by the snapshot.
    ratings_by_code: dict[str, list[Rating]] = {}
    for snapshot in snapshots:
        for rating in snapshot.ratings.all():
            names.setdefault(rating.competency_code, rating.competency_name)
            ratings_by_code.setdefault(rating.competency_code, []).append(rating)
    codes = [c.code for c in competencies] + [
        code for code in ratings_by_code if code not in {c.code for c in competencies}
    ]
    manager_ratings = latest_manager_ratings(member=user)
    latest_levels = _levels(snapshots[0] if snapshots else None)
    oldest_first = list(reversed(snapshots))
    per_snapshot = [_levels(s) for s in oldest_first]
    dates = [_short_date(s) for s in oldest_first]
    latest_by_code = {r.competency_code: r for r in snapshots[0].ratings.all()} if snapshots else {}
    rows = [
        CompetencyRow(
            code=code,
            name=names[code],
            target=targets.get(code),
            levels=[levels.get(code) for levels in per_snapshot],
            latest_rating=latest_by_code.get(code),
            manager_rating=manager_ratings.get(code),
            chart=level_line(
                levels=[levels.get(code) for levels in per_snapshot],
                dates=dates,
                target=targets.get(code),
            )
            if snapshots
            else None,
        )
        for code in codes
    ]
    all_gaps = gaps_for(levels=latest_levels, targets=targets, names=names)
    return Overview(
        track=track,
        snapshots=snapshots,
        draft=draft_for_user(user=user) if with_draft else None,
        targets=targets,
        gaps=open_gaps(all_gaps) if snapshots else [],
        unrated=[g for g in all_gaps if g.level is None] if snapshots else [],
        rows=rows,
        radar=_radar(competencies, snapshots, targets, track),
        manager_ratings=manager_ratings,
    )


def _short_date(snapshot: Assessment) -> str:
    return date_format(localtime(snapshot.submitted_at), "SHORT_DATE_FORMAT")


def _radar(competencies, snapshots, targets, track) -> RadarChart | None:
    """The latest snapshot, the previous one and the track's targets on one radar."""
    if not snapshots or not competencies:
        return None
    codes = [c.code for c in competencies]
    series = []
    if targets and track is not None:
        label = _("Target of %(track)s") % {"track": track.name}
        series.append(RadarSeries(label, "radar-target", [targets.get(c) for c in codes]))
    labelled = [(_("Previous (%(date)s)"), "radar-previous", snapshots[1:2])]
    labelled.append((_("Latest (%(date)s)"), "radar-latest", snapshots[:1]))
    for template, css_class, chosen in labelled:
        for snapshot in chosen:
            levels = _levels(snapshot)
            date = _short_date(snapshot)
            series.append(
                RadarSeries(template % {"date": date}, css_class, [levels.get(c) for c in codes])
            )
    return radar_chart(axes=[c.name for c in competencies], series=series)


@dataclass(frozen=True)
class RatingChange:
    """A rating of a snapshot beside the same competency's level in the one before."""

    rating: Rating
    previous: int | None  # None: not rated then (or not in the framework yet)

    @property
    def change(self) -> str:
        return signed(change(self.rating.level, self.previous))


@dataclass(frozen=True)
class SnapshotChanges:
    snapshot: Assessment
    previous: Assessment | None
    ratings: list[RatingChange]

    @property
    def moved(self) -> list[RatingChange]:
        return [r for r in self.ratings if r.change not in ("", "0")]


def snapshot_changes(*, snapshot: Assessment) -> SnapshotChanges:
    """Each rating of `snapshot` with its move since the learner's snapshot before it
    (two queries: that snapshot and its ratings)."""
    previous = (
        Assessment.objects.submitted()
        .filter(user_id=snapshot.user_id)
        .filter(
            Q(submitted_at__lt=snapshot.submitted_at)
            | Q(submitted_at=snapshot.submitted_at, pk__lt=snapshot.pk)
        )
        .order_by("-submitted_at", "-id")
        .prefetch_related("ratings")
        .first()
    )
    before = _levels(previous)
    return SnapshotChanges(
        snapshot=snapshot,
        previous=previous,
        ratings=[
            RatingChange(rating, before.get(rating.competency_code))
            for rating in snapshot.ratings.all()
        ],
    )


def latest_snapshot(*, user: User, ratings: bool = True) -> Assessment | None:
    """The learner's newest snapshot with its ratings (two queries; one with `ratings`
    False, for a caller that reads them only if it must): a retake starts from it."""
    # SQL (Manager.raw) for the reason of track_for_learner; the ratings are read only
    # when there is a snapshot.
    for latest in Assessment.objects.raw(
        "SELECT * FROM assessments_assessment WHERE user_id = %s AND status = %s"
        " ORDER BY submitted_at DESC, id DESC LIMIT 1",
        [user.pk, Assessment.Status.SUBMITTED.value],
    ):
        if ratings:
            prefetch_related_objects([latest], "ratings")
        return latest
    return None


def latest_gaps(*, user: User, track: Track | None) -> list[Gap]:
    """The open gaps of the learner's latest snapshot against the track (three queries)."""
    latest = latest_snapshot(user=user)
    return [] if latest is None else gaps_of(latest, track=track)


def gaps_of(snapshot: Assessment, *, track: Track | None) -> list[Gap]:
    """The open gaps of a snapshot read by latest_snapshot against the track (one query)."""
    targets = track_targets(track=track)
    names = {r.competency_code: r.competency_name for r in snapshot.ratings.all()}
    if targets:  # the framework's names, in the active language (SQL: as track_targets)
        codes = list(targets)
        names.update(
            (code, in_language(name_fr, name_en))
            for code, name_fr, name_en in sql.select(
                "SELECT code, name_fr, name_en FROM courses_competency"  # noqa: S608
                f" WHERE code IN ({sql.placeholders(codes)})",
                codes,
            )
        )
    return open_gaps(gaps_for(levels=_levels(snapshot), targets=targets, names=names))


# What the rankings show of a course (not its long texts), and of its competencies their
# codes only (not the level descriptors).
OPTION_FIELDS = (
    "phase",
    "option",
    "code",
    "title",
    "provider",
    "effort_hours",
    "price",
    "prestige",
)


def _options() -> QuerySet[Course]:
    return (
        Course.objects.filter(is_active=True)
        .only(*OPTION_FIELDS)
        .prefetch_related(Prefetch("competencies", queryset=Competency.objects.only("code")))
    )


def options_with_codes(courses) -> list[tuple[Course, set[str]]]:
    return [(course, {c.code for c in course.competencies.all()}) for course in courses]


def ranked_phase_options(*, user: User, phase: Phase) -> tuple[list[Gap], list[RankedOption]]:
    """The phase's options ranked by the learner's gaps against the phase's track."""
    gaps = latest_gaps(user=user, track=phase.track)
    courses = _options().filter(phase=phase).order_by("option", "code")
    return gaps, rank_options(gaps=gaps, options=options_with_codes(courses))


def phase_ranking(*, user: User, phase: Phase) -> dict:
    """The compare page's panel (assessments/_compare_panel.html): the phase's options
    ranked by the learner's gaps, {"gaps", "ranked", "has_snapshot"}."""
    gaps, ranked = ranked_phase_options(user=user, phase=phase)
    has_snapshot = bool(gaps) or snapshots_exist(user=user)
    return {"gaps": gaps, "ranked": ranked if gaps else [], "has_snapshot": has_snapshot}


def gaps_closed(*, gaps: Sequence[Gap], options: Sequence[Course]) -> dict[int, list[Gap]]:
    """The compare page's "what if": the open gaps each option (course pk) closes, as the
    ranking counts them (rank_options' `covered`, largest first). Reads the options'
    competencies, which the caller prefetched (courses.selectors.phase_get does)."""
    return {
        item.option.pk: item.covered
        for item in rank_options(gaps=gaps, options=options_with_codes(options))
    }


def dashboard_summary(
    *, user: User, track_code: str | None = None, catalogue: str | None = None
) -> dict:
    """The dashboard's panel (assessments/_dashboard.html): the learner's largest gaps
    against their track (track_for_learner) and the best option of each open phase. One
    query for a learner who has not assessed themselves yet; two when the gaps and options
    are cached (the track; and the catalogue's version unless `catalogue` gives it),
    nine when they are computed.

    The gaps and the ranking are cached like the progress figures (tracker/progress/
    cache.py), under what they are computed from: the snapshot (a new one has a new id),
    the track, the learner's progress version (the courses chosen or done, which the
    ranking skips), the catalogue's version (targets, options) and the language (the
    competencies' names). Computed, they are seven queries and the ranking: a third of a
    warm dashboard's time for a learner who assessed themselves (issue 14)."""
    latest = latest_snapshot(user=user, ratings=False)
    if latest is None:  # the panel invites to assess: no track to measure against yet
        return {"track": None, "gaps": [], "best": [], "has_snapshot": False}
    track = track_for_learner(user=user, track_code=track_code)
    if track is None:
        return {"track": track, "gaps": [], "best": [], "has_snapshot": True}

    def compute() -> tuple[list[Gap], list[tuple[Phase, RankedOption]]]:
        prefetch_related_objects([latest], "ratings")
        gaps = gaps_of(latest, track=track)
        phases = ranked_track_options(user=user, track=track, gaps=gaps)
        best = [(phase, ranked[0]) for phase, ranked in phases if ranked and ranked[0].score > 0]
        return gaps[:3], best

    catalogue = catalogue or catalogue_version()
    parts = [user.pk, user.progress_version, latest.pk, track.pk, catalogue]
    key = progress_cache.content_key("dashboard-gaps", [*parts, get_language()])
    gaps, best = progress_cache.get_or_compute(key, user.pk, compute)
    return {"track": track, "gaps": gaps, "best": best, "has_snapshot": True}


def ranked_track_options(
    *, user: User, track: Track | None, gaps: list[Gap]
) -> list[tuple[Phase, list[RankedOption]]]:
    """For the dashboard: every phase of the track with its options ranked by `gaps`,
    except the phases the learner has settled (an option chosen or done): a
    recommendation never suggests a course already done or chosen, nor a rival of one.

    Read in SQL (Manager.raw; ARCHITECTURE.md, "Hand-written SQL"): the phases, their
    active options with what the ranking shows of them (OPTION_FIELDS) and the options'
    competency codes, three queries the ORM's prefetches took some 6 ms to build on every
    dashboard a learner with an assessment computes. tests/test_pages_sql.py compares it
    with the querysets it replaced."""
    if track is None or not gaps:
        return []
    settled = settled_course_ids(user=user)
    phases = list(
        Phase.objects.raw(
            'SELECT * FROM courses_phase WHERE track_id = %s ORDER BY "order"', [track.pk]
        )
    )
    if not phases:
        return []
    phase_ids = [phase.pk for phase in phases]
    options: dict[int, list[Course]] = {pk: [] for pk in phase_ids}
    for course in Course.objects.raw(
        "SELECT c.id, c.phase_id, c.option, c.code, c.title, c.provider, c.effort_hours,"  # noqa: S608
        " c.price, c.prestige, po.phase_id AS offered_in FROM courses_phaseoption po"
        " JOIN courses_course c ON c.id = po.course_id"
        f" WHERE po.phase_id IN ({sql.placeholders(phase_ids)}) AND c.is_active = %s"
        " ORDER BY c.code",
        [*phase_ids, True],
    ):
        options[course.offered_in].append(course)
    course_ids = sorted({course.pk for listed in options.values() for course in listed})
    codes: dict[int, set[str]] = {pk: set() for pk in course_ids}
    if course_ids:
        for course_id, code in sql.select(
            "SELECT cc.course_id, comp.code FROM courses_course_competencies cc"  # noqa: S608
            " JOIN courses_competency comp ON comp.id = cc.competency_id"
            f" WHERE cc.course_id IN ({sql.placeholders(course_ids)})",
            course_ids,
        ):
            codes[course_id].add(code)
    return [
        (
            phase,
            rank_options(
                gaps=gaps, options=[(course, codes[course.pk]) for course in options[phase.pk]]
            ),
        )
        for phase in phases
        if not any(course.pk in settled for course in options[phase.pk])
    ]


def settled_course_ids(*, user: User) -> set[int]:
    """The courses the learner chose for a phase or finished (one query, in SQL for the
    reason of ranked_track_options)."""
    return {
        course_id
        for (course_id,) in sql.select(
            "SELECT course_id FROM progress_plan WHERE user_id = %s AND done_on IS NOT NULL"
            " UNION SELECT course_id FROM progress_phasechoice WHERE user_id = %s",
            [user.pk, user.pk],
        )
    }


def snapshots_exist(*, user: User) -> bool:
    return Assessment.objects.submitted().filter(user=user).exists()
