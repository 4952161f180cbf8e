"""The dashboard's charts (tracker/progress/charts.py): a date axis, and the burn-up's
projection drawn from the progress model to the date the work is judged against."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from courses.models import Course
from tests.factories import make_course
from tests.progress_helpers import log_daily
from tracker.progress import charts, selectors, services
from tracker.progress.models import Plan

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 4)  # a Wednesday


@pytest.fixture
def learner(personas):
    user = personas.learner
    course = make_course("ML1", hours="40")
    services.plan_add(user=user, course=course)
    Plan.objects.filter(user=user).update(
        start_date=TODAY - datetime.timedelta(weeks=4),
        weekly_hours=5,
        target_date=datetime.date(2026, 5, 29),
    )
    log_daily(user, course, days=28, minutes=30, end=TODAY)  # 14 h
    return user


def _burnup(user, language="en"):
    with translation.override(language):
        overview = selectors.progress_overview(user=user, today=TODAY)
        return overview, charts.burnup_chart(overview=overview)


def _assert_labels_inside(chart):
    for marker in chart.markers:
        width = len(marker.label) * charts.MARKER_CHAR_WIDTH
        x = marker.label_x
        left = {"start": x, "middle": x - width / 2, "end": x - width}[marker.anchor]
        assert left >= 0 and left + width <= charts.WIDTH, marker
        assert 0 < marker.label_y < charts.HEIGHT


def _xs(points: str) -> list[float]:
    return [float(p.split(",")[0]) for p in points.split()]


def test_the_burnup_reaches_the_target_date_with_the_models_projection(learner):
    overview, chart = _burnup(learner)
    verdict = overview.overall
    assert verdict.projected_finish is not None
    # The axis runs to the target (26 h left at about 4 h a week end before it).
    assert chart.last_label >= "2026-05-29"
    due = next(m for m in chart.markers if m.css_class == "due-marker")
    today = next(m for m in chart.markers if m.css_class == "today-marker")
    assert charts.LEFT < today.x < due.x <= charts.WIDTH - charts.RIGHT
    assert chart.due_label == "29 May 2026" and not chart.due_is_assigned
    assert due.label == "target 29 May" and today.label == "today"
    _assert_labels_inside(chart)
    # The projection starts at today's hours and rises at the model's pace.
    start, end = chart.projection_points.split()[0], chart.projection_points.split()[-1]
    assert float(start.split(",")[0]) == today.x
    assert float(end.split(",")[1]) < float(start.split(",")[1])  # up: SVG y grows down
    assert chart.finish_label  # said in words too (the figure's description)
    # The logged line stops at today; the plan runs on to the end of the axis.
    assert max(_xs(chart.logged_points)) == today.x
    assert max(_xs(chart.planned_points)) == charts.WIDTH - charts.RIGHT > due.x


def test_a_projection_later_than_the_axis_is_cut_on_its_line(learner):
    Course.objects.filter(code="ML1").update(effort_hours=2000)  # years at this pace
    overview, chart = _burnup(learner)
    last_day = datetime.date.fromisoformat(chart.last_label)
    assert overview.overall.projected_finish > last_day
    assert max(_xs(chart.projection_points)) == charts.WIDTH - charts.RIGHT


def test_with_nothing_left_to_project_today_is_labelled_inside_the_figure(learner):
    course = learner.plans.get().course
    log_daily(learner, course, days=84, minutes=5, end=TODAY - datetime.timedelta(days=28))
    Plan.objects.filter(user=learner).update(done_on=TODAY, target_date=None)
    for language in ("en", "fr"):
        _overview, chart = _burnup(learner, language)
        assert chart.projection_points == "" and chart.due_label == ""
        (today,) = chart.markers
        assert today.x > charts.WIDTH * 0.85  # the axis ends a week after today
        _assert_labels_inside(chart)
    assert today.anchor == "end"  # the longer French word leans left


def test_the_charts_have_a_date_axis(learner):
    _overview, chart = _burnup(learner)
    labels = [label for _x, label in chart.date_ticks]
    assert 2 <= len(labels) <= charts.MAX_DATE_TICKS
    assert all(re.fullmatch(r"\d{1,2} \w+\.?", label) for label in labels), labels
    xs = [x for x, _label in chart.date_ticks]
    assert xs == sorted(xs) and xs[0] >= charts.LEFT and xs[-1] <= charts.WIDTH - charts.RIGHT
    with translation.override("fr"):
        overview = selectors.progress_overview(user=learner, today=TODAY)
        weekly = charts.weekly_chart(overview=overview)
    # The current week and every third before it: 4 of 12, the last one this week's Monday.
    assert [label for _x, label in weekly.date_ticks][-1] == "2 mars"
    assert len(weekly.date_ticks) == 4


def test_the_dashboard_draws_the_projection_and_names_the_date(learner, personas):
    learner.language = "en"
    learner.save(update_fields=["language"])
    client = personas.client_for("learner")
    with time_machine.travel(datetime.datetime(2026, 3, 4, 9, tzinfo=datetime.UTC), tick=False):
        text = client.get(reverse("dashboard")).text
    assert 'class="projection-line"' in text
    assert "projected at your pace" in text and "your target" in text
    assert 'class="axis-label date-label"' in text
    assert not re.search(r'\b(x|y|x1|x2|y1|y2)="\d+,\d', text)  # numbers not localised


def test_the_charts_svg_and_tables_are_written_as_the_template_wrote_them():
    """charts.Chart writes the repeated SVG elements and the tables' rows (a template loop
    per point was the dashboard's slowest part): numbers as Python writes them, whatever
    the language, and labels escaped."""
    weekly = charts.Chart(
        ticks=[(230, "0 h"), (124.5, "2,5 h")],
        date_ticks=[(81.8, "2 mars")],
        bars=[charts.Bar(x=63.6, y=124.5, width=28.6, height=105.5, label="<b>: 2,5 h")],
        rows=[{"week": "2026-03-02", "hours": "2,5"}],
    )
    burnup = charts.Chart(
        ticks=[(230, "0 h")],
        date_ticks=[(60.0, "1 mars")],
        markers=[charts.Marker(300.5, "today", "today-marker", "start", 304.5, 222)],
        rows=[{"week": "2026-03-02", "logged": "1", "planned": "<2>"}],
    )
    with translation.override("fr"):
        assert weekly.grid_svg == (
            '<line x1="60" x2="544" y1="230" y2="230" class="grid-line"/><text x="54" y="230"'
            ' class="axis-label" text-anchor="end">0 h</text><line x1="60" x2="544" y1="124.5"'
            ' y2="124.5" class="grid-line"/><text x="54" y="124.5" class="axis-label"'
            ' text-anchor="end">2,5 h</text>'
        )
        assert weekly.bars_svg == (
            '<rect x="63.6" y="124.5" width="28.6" height="105.5" class="bar">'
            "<title>&lt;b&gt;: 2,5 h</title></rect>"
        )
        assert weekly.date_labels_svg == (
            '<text x="81.8" y="248" class="axis-label date-label" text-anchor="middle">'
            "2 mars</text>"
        )
        assert weekly.rows_html == '<tr><td>2026-03-02</td><td class="num">2,5</td></tr>'
        assert burnup.date_ticks_svg == (
            '<line x1="60.0" x2="60.0" y1="230" y2="235" class="axis-line"/><text x="60.0"'
            ' y="248" class="axis-label date-label" text-anchor="middle">1 mars</text>'
        )
        assert burnup.markers_svg == (
            '<line x1="300.5" x2="300.5" y1="22" y2="230" class="marker today-marker"/><text'
            ' x="304.5" y="222" class="marker-label today-marker" text-anchor="start">today'
            "</text>"
        )
        assert burnup.rows_html == (
            '<tr><td>2026-03-02</td><td class="num">1</td><td class="num">&lt;2&gt;</td></tr>'
        )


def test_a_date_near_the_right_edge_leans_inwards_instead_of_being_cut():
    """Seen on a phone on 2 December: "1 mai" centred at x=537 of 560 overflowed the figure
    by a pixel (17 px labels on a phone). A date too close to an edge is anchored inwards."""
    chart = charts.Chart(date_ticks=[(537.0, "1 mai"), (300.0, "1 mars"), (61.0, "12 janv.")])
    svg = chart.date_ticks_svg
    assert 'text-anchor="end">1 mai</text>' in svg
    assert 'text-anchor="middle">1 mars</text>' in svg
    assert 'text-anchor="middle">12 janv.</text>' in svg  # it fits: centred
    assert (
        'text-anchor="end">1 mai</text>'
        in charts.Chart(date_ticks=chart.date_ticks).date_labels_svg
    )
