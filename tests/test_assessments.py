"""Competency self-assessments (issue 4): drafts, snapshots, history, radar, gaps, the
ranking of a phase's options, manager ratings and the API."""

from __future__ import annotations

import datetime as dt
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from courses.models import Competency, CompetencyDomain
from tests.factories import (
    make_competency,
    make_course,
    make_snapshot,
    make_target,
    make_track,
    make_user,
)
from tracker.assessments import charts, selectors, services
from tracker.assessments.models import Assessment, ManagerRating, Rating
from tracker.assessments.ranking import Gap, explain, rank_options
from tracker.assessments.services import RatingInput

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The personas' password hashing dominates these tests' run time on a busy machine.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english(_fast_passwords, request):
    """The personas read the UI in English (their profile language wins over headers)."""
    if "personas" in request.fixturenames:
        personas = request.getfixturevalue("personas")
        for user in (personas.learner, personas.manager, personas.other_manager):
            user.language = "en"
            user.save(update_fields=["language"])


@pytest.fixture
def framework():
    """Two domains, four competencies, a track with targets and one phase of options."""
    tech = CompetencyDomain.objects.create(
        code="tech", name_fr="Technique", name_en="Technical", order=1
    )
    product = CompetencyDomain.objects.create(
        code="product", name_fr="Produit", name_en="Product", order=2
    )

    def comp(code, fr, en, domain, order):
        return make_competency(
            code,
            domain=domain,
            name_fr=fr,
            name_en=en,
            order=order,
            levels=[{"fr": f"{en} FR niveau {i}", "en": f"{en} level {i}"} for i in range(1, 6)],
        )

    comps = {
        "mlops": comp("mlops", "MLOps", "MLOps", tech, 1),
        "ml": comp("ml", "Culture ML", "ML literacy", tech, 2),
        "rai": comp("rai", "IA responsable", "Responsible AI", product, 1),
        "privacy": comp("privacy", "Vie privée", "Privacy", product, 2),
    }
    track = make_track("ai-po", phases=2)
    for code, level in {"mlops": 4, "ml": 3, "rai": 3, "privacy": 2}.items():
        make_target(track, comps[code], level)
    phase = track.phases.get(code="P1")
    options = {
        "P1-A": (["mlops", "rai"], "90", "Gratuit (Audit)", 5),
        "P1-B": (["ml"], "20", "49 €", 3),
        "P1-C": (["privacy", "ml"], "30", "Gratuit", 4),
    }
    courses = {}
    for code, (covers, hours, price, prestige) in options.items():
        course = make_course(
            code,
            hours=hours,
            track=track,
            phase=phase,
            option=code[-1],
            price=price,
            prestige=prestige,
            title=f"Course {code}",
        )
        course.competencies.add(*(comps[c] for c in covers))
        courses[code] = course
    return {"track": track, "phase": phase, "comps": comps, "courses": courses}


def _form_data(levels: dict[str, object], **extra) -> dict:
    data = {}
    for code, level in levels.items():
        data[f"{code}-level"] = "" if level is None else str(level)
        data[f"{code}-note"] = ""
        data[f"{code}-evidence_url"] = ""
    data.update(extra)
    return data


def _draft(client) -> Assessment:
    client.get(reverse("assessments:take"))
    return Assessment.objects.drafts().get()


# --- Taking an assessment --------------------------------------------------------------


def test_levels_are_chosen_by_their_descriptor_with_not_rated(personas, framework):
    client = personas.client_for("learner")
    with translation.override("en"):
        response = client.get(reverse("assessments:take"), headers={"accept-language": "en"})
    html = response.text
    # Each radio's label is the descriptor, not a bare number.
    label = re.search(r'<label for="id_mlops-level_3"[^>]*>(.*?)</label>', html, re.S)
    assert label is not None
    assert "MLOps level 3" in label.group(1)
    assert 'value=""' in html and "Not rated" in html
    # One section per domain, in the framework's order.
    assert html.index("Technical") < html.index("Product")
    assert 'aria-live="polite"' in html


def test_opening_the_form_twice_reuses_the_one_draft(personas, framework):
    client = personas.client_for("learner")
    client.get(reverse("assessments:take"))
    client.get(reverse("assessments:take"))
    assert Assessment.objects.filter(user=personas.learner).count() == 1


def test_a_learner_cannot_hold_two_open_drafts(personas):
    Assessment.objects.create(user=personas.learner)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.create(user=personas.learner)


def test_htmx_change_saves_the_draft_and_says_so(personas, framework):
    client = personas.client_for("learner")
    draft = _draft(client)
    response = client.post(
        reverse("assessments:save", args=[draft.pk]),
        _form_data({"mlops": 2}, competency="mlops", **{"mlops-note": "shipped a model"}),
        headers={"hx-request": "true", "accept-language": "en"},
    )
    assert response.status_code == 200
    assert 'id="block-mlops"' in response.text
    assert 'hx-swap-oob="innerHTML:#save-status"' in response.text
    assert "Saved: MLOps" in response.text
    rating = Rating.objects.get(assessment=draft, competency_code="mlops")
    assert (rating.level, rating.note) == (2, "shipped a model")
    assert not Assessment.objects.submitted().exists()


def test_a_bad_evidence_link_is_refused_at_the_field(personas, framework):
    client = personas.client_for("learner")
    draft = _draft(client)
    response = client.post(
        reverse("assessments:save", args=[draft.pk]),
        _form_data({"mlops": 2}, competency="mlops", **{"mlops-evidence_url": "not a url"}),
        headers={"hx-request": "true", "accept-language": "en"},
    )
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.text
    assert "Enter a full web address" in response.text
    assert "Not saved: MLOps" in response.text
    assert not Rating.objects.exists()


def test_saving_into_someone_elses_draft_is_404(personas, framework):
    other_draft = services.assessment_draft_get_or_create(user=personas.other_learner)
    response = personas.client_for("learner").post(
        reverse("assessments:save", args=[other_draft.pk]),
        _form_data({"mlops": 2}, competency="mlops"),
        headers={"hx-request": "true"},
    )
    assert response.status_code == 404
    assert not Rating.objects.exists()


def test_submitting_makes_a_snapshot_that_copies_the_framework(personas, framework):
    client = personas.client_for("learner")
    draft = _draft(client)
    response = client.post(
        reverse("assessments:submit", args=[draft.pk]),
        _form_data(
            {"mlops": 2, "ml": 3, "rai": None, "privacy": 1},
            **{"ml-evidence_url": "https://example.test/cert"},
        ),
    )
    assert response.status_code == 302
    snapshot = Assessment.objects.submitted().get()
    assert response.url == reverse("assessments:detail", args=[snapshot.pk])
    ratings = {r.competency_code: r for r in snapshot.ratings.all()}
    assert set(ratings) == {"mlops", "ml", "rai", "privacy"}
    assert ratings["mlops"].descriptor_en == "MLOps level 2"
    assert ratings["mlops"].target_level == 4
    assert ratings["rai"].level is None
    assert ratings["ml"].evidence_url == "https://example.test/cert"
    assert (ratings["rai"].domain_code, ratings["rai"].domain_name_en) == ("product", "Product")
    assert snapshot.track_code == "ai-po"


def test_submitting_twice_makes_one_snapshot(personas, framework):
    client = personas.client_for("learner")
    draft = _draft(client)
    url = reverse("assessments:submit", args=[draft.pk])
    first = client.post(url, _form_data({"mlops": 2}))
    second = client.post(url, _form_data({"mlops": 5}))
    assert Assessment.objects.submitted().count() == 1
    assert first.url == second.url
    assert Rating.objects.get(competency_code="mlops").level == 2  # the snapshot is unchanged


def test_a_concurrent_double_submit_makes_one_snapshot(personas, framework):
    draft = services.assessment_draft_get_or_create(user=personas.learner)
    services.assessment_rating_save(
        assessment=draft,
        competency=framework["comps"]["mlops"],
        rating=RatingInput(competency="mlops", level=3),
    )
    # Two requests holding the same (stale) draft, as two tabs or a double click would.
    stale_a = Assessment.objects.get(pk=draft.pk)
    stale_b = Assessment.objects.get(pk=draft.pk)
    snapshot_a, created_a = services.assessment_submit(assessment=stale_a)
    snapshot_b, created_b = services.assessment_submit(assessment=stale_b)
    assert (created_a, created_b) == (True, False)
    assert snapshot_a.pk == snapshot_b.pk
    assert Assessment.objects.submitted().count() == 1
    assert Rating.objects.filter(assessment=snapshot_a).count() == 4


@pytest.mark.django_db(transaction=True)
def test_threads_submitting_the_same_draft_make_one_snapshot(framework):
    # (On SQLite too: its test database is a file, tests/conftest.py, which the threads'
    # connections share; IMMEDIATE transactions make the second writer wait.)
    learner = make_user()
    draft = services.assessment_draft_get_or_create(user=learner)

    def submit(_):
        from django.db import connection

        try:
            return services.assessment_submit(assessment=Assessment.objects.get(pk=draft.pk))[1]
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        created = list(pool.map(submit, range(2)))
    assert sorted(created) == [False, True]
    assert Assessment.objects.submitted().count() == 1


def test_submitting_someone_elses_draft_is_404(personas, framework):
    other_draft = services.assessment_draft_get_or_create(user=personas.other_learner)
    response = personas.client_for("learner").post(
        reverse("assessments:submit", args=[other_draft.pk]), _form_data({"mlops": 2})
    )
    assert response.status_code == 404
    assert not Assessment.objects.submitted().exists()


def test_a_level_out_of_range_rerenders_the_form_with_the_message(personas, framework):
    client = personas.client_for("learner")
    draft = _draft(client)
    response = client.post(
        reverse("assessments:submit", args=[draft.pk]),
        _form_data({"mlops": 7, "ml": 2}),
        headers={"accept-language": "en"},
    )
    assert response.status_code == 200
    assert 'id="mlops-level-error"' in response.text
    assert "Select a valid choice" in response.text
    assert not Assessment.objects.submitted().exists()


def test_submitting_with_nothing_rated_is_refused(personas, framework):
    client = personas.client_for("learner")
    draft = _draft(client)
    response = client.post(
        reverse("assessments:submit", args=[draft.pk]),
        _form_data({"mlops": None}),
        headers={"accept-language": "en"},
    )
    assert response.status_code == 200
    assert "Rate at least one competency" in response.text
    assert not Assessment.objects.submitted().exists()


# --- Old snapshots survive a framework change --------------------------------------------


def test_old_snapshot_still_renders_after_a_competency_is_renamed_or_removed(personas, framework):
    snapshot = make_snapshot(personas.learner, {"mlops": 2, "privacy": 1}, track=framework["track"])
    mlops = framework["comps"]["mlops"]
    mlops.name_en, mlops.levels = "Model operations", [{"fr": "x", "en": "x"}] * 5
    mlops.save()
    framework["courses"]["P1-C"].competencies.clear()
    framework["comps"]["privacy"].targets.all().delete()
    framework["comps"]["privacy"].delete()

    client = personas.client_for("learner")
    detail = client.get(
        reverse("assessments:detail", args=[snapshot.pk]), headers={"accept-language": "en"}
    )
    assert detail.status_code == 200
    assert "MLOps" in detail.text and "MLOps level 2" in detail.text
    assert "Privacy level 1" in detail.text  # removed from the framework, kept here
    history = client.get(reverse("assessments:history"), headers={"accept-language": "en"})
    assert history.status_code == 200
    assert "Privacy" in history.text
    api = client.get("/api/me/assessments").json()
    assert {r["competency"] for r in api[0]["ratings"]} == {"mlops", "ml", "rai", "privacy"}


def test_a_snapshot_is_only_its_owners(personas, framework):
    snapshot = make_snapshot(personas.other_learner, {"mlops": 2})
    response = personas.client_for("learner").get(reverse("assessments:detail", args=[snapshot.pk]))
    assert response.status_code == 404


# --- Seeing growth: history, radar, gaps -------------------------------------------------


def test_retaking_a_month_later_shows_both_on_the_radar_with_the_target(personas, framework):
    client = personas.client_for("learner")
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC), tick=False):
        draft = _draft(client)
        client.post(
            reverse("assessments:submit", args=[draft.pk]),
            _form_data({"mlops": 1, "ml": 2, "rai": 1, "privacy": 2}),
        )
    with time_machine.travel(dt.datetime(2026, 4, 2, 9, tzinfo=dt.UTC), tick=False):
        draft = _draft(client)
        client.post(
            reverse("assessments:submit", args=[draft.pk]),
            _form_data({"mlops": 2, "ml": 3, "rai": 1, "privacy": 2}),
        )
        response = client.get(reverse("assessments:history"), headers={"accept-language": "en"})
    assert Assessment.objects.submitted().count() == 2
    html = response.text
    assert 'role="img"' in html and "<title" in html
    for css_class in ("radar-target", "radar-previous", "radar-latest"):
        assert f"radar-series {css_class}" in html
    assert "Previous (2 Mar 2026)" in html  # not 03/02/2026, read as 3 February in Europe
    # The table alternative and the level over time: 1 then 2 for MLOps.
    overview = response.context["overview"]
    mlops_row = next(row for row in overview.rows if row.code == "mlops")
    assert mlops_row.levels == [1, 2]
    assert (mlops_row.target, mlops_row.previous, mlops_row.latest) == (4, 1, 2)
    # Gaps: target minus latest, largest first (MLOps 2, Responsible AI 2, then none).
    assert [(g.code, g.size) for g in overview.gaps] == [("mlops", 2), ("rai", 2)]


def test_a_competency_not_rated_has_no_gap_but_is_listed(personas, framework):
    make_snapshot(personas.learner, {"mlops": 1, "ml": None}, track=framework["track"])
    response = personas.client_for("learner").get(
        reverse("assessments:history"), headers={"accept-language": "en"}
    )
    overview = response.context["overview"]
    assert "ml" not in [g.code for g in overview.gaps]
    assert "ml" in [g.code for g in overview.unrated]
    assert "Not rated yet" in response.text


def test_history_offers_to_take_then_to_continue(personas, framework):
    client = personas.client_for("learner")
    response = client.get(reverse("assessments:history"), headers={"accept-language": "en"})
    assert "Take an assessment" in response.text
    draft = _draft(client)
    client.post(
        reverse("assessments:save", args=[draft.pk]),
        _form_data({"mlops": 2}, competency="mlops"),
        headers={"hx-request": "true"},
    )
    response = client.get(reverse("assessments:history"), headers={"accept-language": "en"})
    assert "Continue the assessment" in response.text


def test_history_queries_do_not_grow_with_snapshots(personas, framework, django_assert_num_queries):
    client = personas.client_for("learner")
    make_snapshot(personas.learner, {"mlops": 1}, track=framework["track"])
    # session, user, track, framework, snapshots, their ratings, targets, manager
    # ratings, the draft (none here, so no check of its ratings), the tracks to choose,
    # the certificates that have lapsed (none: no competency query), the nav's unread
    # notifications count
    with django_assert_num_queries(12):
        assert client.get(reverse("assessments:history")).status_code == 200
    for level in [1, 2, 3, 4, 5, 1, 2, 3, 4]:
        make_snapshot(personas.learner, {"mlops": level, "ml": 2}, track=framework["track"])
    with django_assert_num_queries(12):
        response = client.get(reverse("assessments:history"))
    assert len(response.context["overview"].snapshots) == 10


def _checked_levels(html: str) -> dict[str, str]:
    """Competency code -> the level whose radio is checked on the take page."""
    return dict(re.findall(r'name="([\w-]+)-level" value="(\w*)"[^>]*\bchecked', html))


def test_a_retake_starts_from_the_last_answers(personas, framework):
    make_snapshot(personas.learner, {"mlops": 3, "ml": 2, "rai": None}, track=framework["track"])
    client = personas.client_for("learner")
    response = client.get(reverse("assessments:take"))
    assert _checked_levels(response.text) == {"mlops": "3", "ml": "2", "rai": "", "privacy": ""}
    assert "The answers start from your assessment of" in response.text
    # What the learner changes in the new draft wins over the last answers.
    draft = Assessment.objects.drafts().get()
    client.post(
        reverse("assessments:save", args=[draft.pk]),
        _form_data({"mlops": 4}, competency="mlops"),
        headers={"hx-request": "true"},
    )
    assert _checked_levels(client.get(reverse("assessments:take")).text)["mlops"] == "4"


def test_a_first_assessment_starts_empty(personas, framework):
    response = personas.client_for("learner").get(reverse("assessments:take"))
    assert set(_checked_levels(response.text).values()) == {""}
    assert "The answers start from" not in response.text


def test_a_new_assessment_shows_its_changes_since_the_previous_one(personas, framework):
    first = make_snapshot(
        personas.learner, {"mlops": 2, "ml": 3, "rai": 1}, track=framework["track"]
    )
    second = make_snapshot(
        personas.learner, {"mlops": 3, "ml": 2, "rai": 1, "privacy": 2}, track=framework["track"]
    )
    client = personas.client_for("learner")
    html = client.get(reverse("assessments:detail", args=[second.pk])).text
    assert "Since your previous assessment" in html
    assert "2 levels moved since the assessment of" in html
    assert re.search(r'change-up">\+1</span> MLOps', html)
    assert re.search(r'change-down">\u22121</span> ML literacy', html)
    changes = {
        r.rating.competency_code: r.change
        for r in client.get(reverse("assessments:detail", args=[second.pk]))
        .context["changes"]
        .ratings
    }
    assert changes == {"mlops": "+1", "ml": "\u22121", "rai": "0", "privacy": ""}
    assert ">—</td>" in html  # privacy was not rated in the first one: nothing to compare
    # The first assessment has nothing to compare with.
    html = client.get(reverse("assessments:detail", args=[first.pk])).text
    assert "Since your previous assessment" not in html and ">Change<" not in html


def test_the_changes_compare_with_the_learners_own_previous_assessment(personas, framework):
    make_snapshot(personas.other_learner, {"mlops": 1}, track=framework["track"])
    snapshot = make_snapshot(personas.learner, {"mlops": 3}, track=framework["track"])
    html = personas.client_for("learner").get(reverse("assessments:detail", args=[snapshot.pk]))
    assert html.context["changes"].previous is None


def test_detail_queries_are_pinned(personas, framework, django_assert_num_queries):
    make_snapshot(personas.learner, {"mlops": 1}, track=framework["track"])
    snapshot = make_snapshot(personas.learner, {"mlops": 2, "ml": 1}, track=framework["track"])
    client = personas.client_for("learner")
    # session, user, the snapshot and its ratings, the previous one and its ratings, the
    # nav's unread notifications count
    with django_assert_num_queries(7):
        assert client.get(reverse("assessments:detail", args=[snapshot.pk])).status_code == 200


def test_history_draws_each_competency_over_time(personas, framework):
    for levels in ({"mlops": 1, "ml": 2}, {"mlops": 2, "ml": None}, {"mlops": 4, "ml": 3}):
        make_snapshot(personas.learner, levels, track=framework["track"])
    response = personas.client_for("learner").get(reverse("assessments:history"))
    html = response.text
    assert 'class="small-multiples"' in html
    assert html.count('class="level-line"') == 4  # one small chart per competency
    rows = {row.code: row for row in response.context["overview"].rows}
    mlops, ml = rows["mlops"].chart, rows["ml"].chart
    assert [p.y for p in mlops.points] == sorted((p.y for p in mlops.points), reverse=True)
    assert len(mlops.segments) == 1 and len(mlops.segments[0].split()) == 3
    assert len(ml.points) == 2 and ml.segments == []  # not rated in between: no line drawn
    assert mlops.target_y is not None  # the track's target, dashed
    assert rows["mlops"].change == "+2"
    assert [label for _y, label in mlops.ticks] == ["1", "2", "3", "4", "5"]


def _label_boxes(radar, em: float = 12.5, char_width: float = 0.6) -> list[tuple]:
    """Each axis name's box (left, top, right, bottom) in the radar's units, from its
    longest line at about 0.6 em a character (DejaVu Sans, the browser tests' font)."""
    boxes = []
    for label in radar.labels:
        width = max(len(line) for line in label.lines) * em * char_width
        left = {"start": label.x, "end": label.x - width, "middle": label.x - width / 2}
        bottom = label.y + (len(label.lines) - 1) * radar.line_height + em * 0.25
        boxes.append((left[label.anchor], label.y - em * 0.8, left[label.anchor] + width, bottom))
    return boxes


@pytest.mark.parametrize("count", [3, 5, 8, 12, 16])
def test_the_radar_names_stay_inside_and_apart(count):
    names = [
        "Culture du machine learning",
        "Réglementation et gouvernance de l\u2019IA",
        "Conception centrée sur l\u2019humain",
        "MLOps et industrialisation",
        "Gestion des parties prenantes",
        "Collaboration humain\u2013IA",
        "Pilotage par les métriques",
        "Metrics-driven steering",
        "Leading ML projects",
        "Managing uncertainty",
        "Product ownership agile",
        "Ethics, regulation and the responsible governance of AI systems",
        "IA responsable et éthique",
        "Évaluation de modèles",
        "Culture de l\u2019IA générative",
        "Cadrage de la valeur IA",
    ][:count]
    radar = charts.radar_chart(axes=names, series=[])
    boxes = _label_boxes(radar)
    for left, top, right, bottom in boxes:
        assert left >= 0 and top >= 0 and right <= radar.width and bottom <= radar.height
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
            assert apart, (names[boxes.index(a)], names[boxes.index(b)])
    assert [r.text for r in radar.ring_labels] == ["1", "2", "3", "4", "5"]


@pytest.mark.parametrize("count", [3, 8, 16])
def test_the_compact_radar_numbers_its_axes_inside_and_apart(count):
    """Phones' radar: the axes numbered 1..n in order (the key names them), each number
    inside the box and apart from the others at its type size (assessments.css: 14)."""
    names = [f"Competency {n} with a rather long name" for n in range(1, count + 1)]
    compact = charts.radar_chart(axes=names, series=[]).compact
    assert compact is not None and compact.compact is None
    assert [label.lines for label in compact.labels] == [[str(n)] for n in range(1, count + 1)]
    assert [label.title for label in compact.labels] == names
    assert compact.width < 400  # room for the numbers only: the plot fills a phone
    boxes = _label_boxes(compact, em=14)
    for left, top, right, bottom in boxes:
        assert left >= 0 and top >= 0 and right <= compact.width and bottom <= compact.height
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]


def test_the_page_draws_both_radars_and_the_key_of_the_numbers(personas, framework):
    make_snapshot(personas.learner, {"mlops": 2}, track=framework["track"])
    response = personas.client_for("learner").get(reverse("assessments:history"))
    html = response.text
    radar = response.context["overview"].radar
    assert 'class="radar-chart radar-wide"' in html and 'class="radar-chart radar-compact"' in html
    assert html.count('id="radar-title"') == 1 and html.count('id="radar-compact-title"') == 1
    key = html.split('<ol class="radar-key">')[1].split("</ol>")[0]
    names = [label.title for label in radar.labels]
    assert key.count("<li>") == len(names) >= 2
    positions = [key.index(f"<li>{escape(name)}</li>") for name in names]
    assert positions == sorted(positions)  # in the order of the numbers


def test_the_radar_wraps_long_names_and_labels_its_rings(personas, framework):
    long = make_competency(
        "long",
        domain=CompetencyDomain.objects.get(code="product"),
        name_en="Ethics, regulation and the responsible governance of AI systems",
        order=3,
    )
    make_snapshot(personas.learner, {"mlops": 2, long.code: 3}, track=framework["track"])
    response = personas.client_for("learner").get(reverse("assessments:history"))
    radar = response.context["overview"].radar
    assert 'class="radar-ring-label"' in response.text and "<tspan" in response.text
    wrapped = next(label for label in radar.labels if label.title == long.name_en)
    assert len(wrapped.lines) == 3 and wrapped.lines[-1].endswith(" …")
    assert f"<title>{long.name_en}</title>" in response.text  # the whole name, on hover


# --- From gaps to courses ----------------------------------------------------------------


def _gap(code, name, target, level):
    return Gap(code=code, name=name, target=target, level=level)


def test_ranking_explains_itself_in_words():
    gaps = [
        _gap("mlops", "MLOps", 4, 1),
        _gap("rai", "Responsible AI", 3, 1),
        _gap("ml", "ML literacy", 3, 2),
    ]

    class Option:
        def __init__(self, code, hours):
            self.code, self.effort_hours = code, hours

    a, b, c = Option("A", 90), Option("B", 20), Option("C", 10)
    with translation.override("en"):
        ranked = rank_options(
            gaps=gaps, options=[(b, {"ml"}), (a, {"mlops", "rai"}), (c, {"privacy"})]
        )
    assert [r.option.code for r in ranked] == ["A", "B", "C"]
    assert ranked[0].reason == "Covers MLOps, your largest gap, and Responsible AI."
    assert ranked[0].score == 13 and ranked[0].score_terms == "3² + 2² = 13"
    assert ranked[1].reason == "Covers ML literacy."
    assert ranked[2].reason == "Covers none of your open gaps."
    with translation.override("fr"):
        assert (
            explain(ranked[0].covered, 3)
            == "Couvre MLOps, votre plus grand écart, et Responsible AI."
        )


def test_ranking_names_tied_largest_gaps_and_breaks_ties_by_effort():
    gaps = [_gap("a", "A", 3, 1), _gap("b", "B", 3, 1), _gap("c", "C", 2, 1)]

    class Option:
        def __init__(self, code, hours):
            self.code, self.effort_hours = code, hours

    long_, short = Option("L", 100), Option("S", 10)
    with translation.override("en"):
        ranked = rank_options(gaps=gaps, options=[(long_, {"a", "b"}), (short, {"a", "b"})])
        assert [r.option.code for r in ranked] == ["S", "L"]
        assert ranked[0].reason == "Covers A and B, your largest gaps."
        three = rank_options(gaps=gaps, options=[(short, {"a", "b", "c"})])
        assert three[0].reason == "Covers A and B, your largest gaps, and C."


def _render(template: str, user, context: dict) -> str:
    """Render a panel's partial as its page does (tracker/pages reads the context), in
    English."""
    request = RequestFactory().get("/")
    request.user = user
    with translation.override("en"):
        return render_to_string(template, context, request=request)


def _compare_panel(user, phase) -> str:
    with translation.override("en"):  # read and rendered in one language, as a page does
        ranking = selectors.phase_ranking(user=user, phase=phase)
    return _render("assessments/_compare_panel.html", user, {"ranking": ranking})


def _dashboard_panel(user) -> str:
    with translation.override("en"):  # read and rendered in one language, as a page does
        summary = selectors.dashboard_summary(user=user)
    return _render("assessments/_dashboard.html", user, {"summary": summary})


def test_compare_panel_ranks_the_phase_options_by_the_learners_gaps(personas, framework):
    make_snapshot(
        personas.learner, {"mlops": 1, "ml": 2, "rai": 2, "privacy": 2}, track=framework["track"]
    )
    html = _compare_panel(personas.learner, framework["phase"])
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)[1:]
    assert ["P1-A" in rows[0], "P1-B" in rows[1] or "P1-C" in rows[1]] == [True, True]
    assert "Covers MLOps, your largest gap, and Responsible AI." in rows[0]
    assert "90 h" in rows[0] and "Gratuit (Audit)" in rows[0] and "5/5" in rows[0]


def test_compare_panel_invites_to_assess_when_there_is_no_snapshot(personas, framework):
    html = _compare_panel(personas.learner, framework["phase"])
    assert "Take a competency self-assessment" in html


def test_dashboard_panel_shows_gaps_and_best_options(personas, framework):
    make_snapshot(
        personas.learner, {"mlops": 1, "ml": 3, "rai": 3, "privacy": 2}, track=framework["track"]
    )
    html = _dashboard_panel(personas.learner)
    assert "Your largest gaps:" in html and "MLOps (3 levels)" in html
    assert "Course P1-A" in html and "Covers MLOps, your largest gap." in html
    assert "/tracks/ai-po/phases/P1/compare/" in html


@pytest.mark.parametrize("settle", ["chosen", "done", "certificate"])
def test_the_dashboard_never_recommends_in_a_phase_already_settled(personas, framework, settle):
    """A chosen option, or one done (by the learner or by a certificate), settles its
    phase: the dashboard recommends neither that course nor a rival of it."""
    import datetime

    from tracker.certificates.services import CertificateInput, certificate_record
    from tracker.progress import services as progress_services

    user = personas.learner
    make_snapshot(user, {"mlops": 1, "ml": 3, "rai": 3, "privacy": 2}, track=framework["track"])
    best = framework["phase"].options.get(code="P1-A")
    if settle == "chosen":
        progress_services.phase_choose(user=user, phase=framework["phase"], course=best)
    elif settle == "done":
        plan = progress_services.plan_add(user=user, course=best)
        progress_services.plan_mark_done(plan=plan, done=True, on=datetime.date(2026, 1, 5))
    else:
        certificate_record(
            user=user,
            data=CertificateInput(title="", course=best, issued_on=datetime.date(2026, 1, 5)),
        )
    html = _dashboard_panel(user)
    assert "Your largest gaps:" in html
    assert "/tracks/ai-po/phases/P1/compare/" not in html
    assert "Course P1-A" not in html


def test_the_dashboard_panel_is_cached_yet_follows_every_change(personas, framework):
    """The gaps and options are cached (issue 14) under the snapshot, the progress version,
    the catalogue and the language: a retake, a choice, a language show at once."""
    from tracker.accounts.models import User
    from tracker.progress import services as progress_services

    def panel(language="en"):  # as a request reads the learner: afresh
        user = User.objects.get(pk=personas.learner.pk)
        with translation.override(language):
            summary = selectors.dashboard_summary(user=user)
        return _render("assessments/_dashboard.html", user, {"summary": summary})

    make_snapshot(
        personas.learner, {"mlops": 1, "ml": 3, "rai": 3, "privacy": 2}, track=framework["track"]
    )
    assert "MLOps (3 levels)" in panel() and "Course P1-A" in panel()
    with CaptureQueriesContext(connection) as cached:
        panel()
    # The learner (as a request loads them), the track, the latest snapshot and the
    # catalogue's version: the ratings, targets, options and ranking are cached.
    assert len(cached) == 4
    # On the dashboard the catalogue's version is read once, for every panel's cache.
    client = personas.client_for("learner")
    client.get(reverse("dashboard"))
    with CaptureQueriesContext(connection) as page:
        client.get(reverse("dashboard"))
    assert sum("MAX(" in q["sql"] and "courses_importrun" in q["sql"] for q in page) == 1
    make_snapshot(
        personas.learner, {"mlops": 3, "ml": 3, "rai": 3, "privacy": 1}, track=framework["track"]
    )
    assert "MLOps (3 levels)" not in panel() and "Privacy" in panel()
    assert "Vie privée" in panel("fr") and "Privacy" in panel("en")
    progress_services.phase_choose(
        user=personas.learner,
        phase=framework["phase"],
        course=framework["phase"].options.get(code="P1-A"),
    )
    assert "/tracks/ai-po/phases/P1/compare/" not in panel()


def test_the_dashboards_ranking_in_sql_matches_the_querysets_it_replaced(personas, framework):
    """ranked_track_options and settled_course_ids, written in SQL (issue 14), answer what
    the ORM's prefetches and EXISTS answered: phases, active options, their competencies,
    a shared option listed in a second phase, a retired option left out."""
    from django.db.models import Exists, OuterRef, Prefetch

    from courses.models import Course, Phase, PhaseOption
    from tracker.progress import services as progress_services
    from tracker.progress.models import PhaseChoice, Plan

    track, courses = framework["track"], framework["courses"]
    second = track.phases.get(code="P2")
    PhaseOption.objects.create(phase=second, course=courses["P1-C"], shared=True)
    retired = make_course("P2-Z", track=track, phase=second, option="Z", is_active=False)
    retired.competencies.add(framework["comps"]["mlops"])
    user = personas.learner
    snapshot = make_snapshot(user, {"mlops": 1, "ml": 1, "rai": 2, "privacy": 1}, track=track)
    gaps = selectors.gaps_of(snapshot, track=track)

    def orm_ranking(settled):
        phases = Phase.objects.filter(track=track).prefetch_related(
            Prefetch("options", queryset=selectors._options())
        )
        return [
            (
                phase,
                rank_options(gaps=gaps, options=selectors.options_with_codes(phase.options.all())),
            )
            for phase in phases
            if not any(option.pk in settled for option in phase.options.all())
        ]

    def orm_settled():
        done = Plan.objects.filter(course=OuterRef("pk"), user=user, done_on__isnull=False)
        chosen = PhaseChoice.objects.filter(course=OuterRef("pk"), user=user)
        return set(
            Course.objects.filter(Exists(done) | Exists(chosen)).values_list("pk", flat=True)
        )

    def shown(ranking):
        return [
            (
                phase.pk,
                phase.code,
                [
                    (
                        r.option.pk,
                        r.option.code,
                        r.option.title,
                        r.option.effort_hours,
                        r.option.price,
                        r.option.prestige,
                        r.score,
                        r.reason,
                    )
                    for r in ranked
                ],
            )
            for phase, ranked in ranking
        ]

    for step in ("nothing settled", "P1-B chosen", "P1-C done"):
        if step == "P1-B chosen":
            progress_services.phase_choose(
                user=user, phase=framework["phase"], course=courses["P1-B"]
            )
        elif step == "P1-C done":
            plan = progress_services.plan_add(user=user, course=courses["P1-C"])
            progress_services.plan_mark_done(plan=plan, done=True, on=dt.date(2026, 1, 5))
        settled = selectors.settled_course_ids(user=user)
        assert settled == orm_settled(), step
        raw = selectors.ranked_track_options(user=user, track=track, gaps=gaps)
        assert shown(raw) == shown(orm_ranking(settled)), step
    assert settled == {courses["P1-B"].pk, courses["P1-C"].pk}
    assert raw == []  # P1 is settled, and P2's only active option (shared P1-C) is done


def test_nav_links_to_assessments(personas, framework):
    response = personas.client_for("learner").get(reverse("assessments:history"))
    assert f'href="{reverse("assessments:history")}" aria-current="page"' in response.text


def test_pages_need_login(client, framework):
    response = client.get(reverse("assessments:history"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


# --- Manager ratings ---------------------------------------------------------------------


def _member_url(team, user):
    return reverse("assessments:member", args=[team.pk, user.pk])


def test_manager_rates_a_member_beside_the_self_rating(personas, framework):
    make_snapshot(personas.learner, {"mlops": 2}, track=framework["track"])
    client = personas.client_for("manager")
    url = _member_url(personas.team, personas.learner)
    response = client.post(url, {"competency": "mlops", "level": "4", "note": "Ran the rollout"})
    assert response.status_code == 302
    rating = ManagerRating.objects.get()
    assert (rating.manager, rating.member, rating.level) == (personas.manager, personas.learner, 4)
    page = client.get(url, headers={"accept-language": "en"})
    row = next(r for r in page.context["overview"].rows if r.code == "mlops")
    assert (row.latest, row.manager_rating.level) == (2, 4)  # side by side, not 3
    assert "Ran the rollout" in page.text
    # The learner sees it beside their own too.
    mine = personas.client_for("learner").get(reverse("assessments:history"))
    assert next(r for r in mine.context["overview"].rows if r.code == "mlops").latest == 2


def test_manager_rating_form_rerenders_with_the_message(personas, framework):
    response = personas.client_for("manager").post(
        _member_url(personas.team, personas.learner),
        {"competency": "mlops", "level": "9"},
        headers={"accept-language": "en"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["level"]
    assert not ManagerRating.objects.exists()


@pytest.mark.parametrize("who", ["other_manager", "learner"])
def test_rating_someone_outside_ones_teams_is_404(personas, framework, who):
    client = personas.client_for(who)
    url = _member_url(personas.team, personas.learner)
    assert client.get(url).status_code == 404
    assert client.post(url, {"competency": "mlops", "level": "3"}).status_code == 404
    assert not ManagerRating.objects.exists()


def test_a_manager_cannot_rate_a_user_outside_the_team_they_manage(personas, framework):
    client = personas.client_for("manager")
    url = _member_url(personas.team, personas.other_learner)
    assert client.post(url, {"competency": "mlops", "level": "3"}).status_code == 404
    api = client.post(
        f"/api/teams/{personas.team.pk}/members/{personas.other_learner.pk}/ratings",
        {"competency": "mlops", "level": 3},
        content_type="application/json",
    )
    assert api.status_code == 404 and api.json() == {"detail": "Not Found"}
    assert not ManagerRating.objects.exists()


# --- API ---------------------------------------------------------------------------------


def _post(client, body):
    return client.post("/api/me/assessments", body, content_type="application/json")


def test_api_post_makes_a_snapshot_and_get_lists_history_newest_first(personas, framework):
    client = personas.client_for("learner")
    with time_machine.travel(dt.datetime(2026, 1, 5, tzinfo=dt.UTC), tick=False):
        first = _post(client, {"ratings": [{"competency": "mlops", "level": 1}]})
    with time_machine.travel(dt.datetime(2026, 2, 5, tzinfo=dt.UTC), tick=False):
        second = _post(
            client,
            {
                "track": "ai-po",
                "ratings": [
                    {"competency": "mlops", "level": 2, "evidence_url": "https://x.test/a"},
                    {"competency": "rai", "level": None, "note": "later"},
                ],
            },
        )
    assert (first.status_code, second.status_code) == (201, 201)
    history = client.get("/api/me/assessments").json()
    assert [h["id"] for h in history] == [second.json()["id"], first.json()["id"]]
    mlops = next(r for r in history[0]["ratings"] if r["competency"] == "mlops")
    assert mlops == {
        "competency": "mlops",
        "name": "MLOps",
        "domain": "Technical",
        "level": 2,
        "descriptor": "MLOps level 2",
        "target": 4,
        "note": "",
        "evidence_url": "https://x.test/a",
    }


@pytest.mark.parametrize("level", [0, 6, -1])
def test_api_refuses_levels_out_of_range(personas, framework, level):
    response = _post(
        personas.client_for("learner"), {"ratings": [{"competency": "mlops", "level": level}]}
    )
    assert response.status_code == 422
    assert "detail" in response.json()
    assert not Assessment.objects.submitted().exists()


def test_api_refuses_competencies_not_in_the_framework(personas, framework):
    response = _post(
        personas.client_for("learner"),
        {"ratings": [{"competency": "mlops", "level": 2}, {"competency": "astrology", "level": 3}]},
    )
    assert response.status_code == 422
    assert response.json() == {"detail": "Not in the competency framework: astrology."}
    assert not Assessment.objects.submitted().exists()
    assert not Rating.objects.exists()  # nothing half-written


def test_api_refuses_a_bad_evidence_link_and_an_unknown_track(personas, framework):
    client = personas.client_for("learner")
    bad_url = _post(
        client, {"ratings": [{"competency": "mlops", "level": 2, "evidence_url": "javascript:x"}]}
    )
    assert bad_url.status_code == 422 and "web address" in bad_url.json()["detail"]
    bad_track = _post(client, {"track": "nope", "ratings": [{"competency": "mlops", "level": 2}]})
    assert bad_track.status_code == 422 and bad_track.json() == {"detail": "Unknown track: nope."}


def test_api_submitting_the_same_draft_twice_makes_one_snapshot(personas, framework):
    client = personas.client_for("learner")
    draft = services.assessment_draft_get_or_create(user=personas.learner)
    body = {"draft_id": draft.pk, "ratings": [{"competency": "mlops", "level": 2}]}
    first, second = _post(client, body), _post(client, body)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"] == draft.pk
    assert Assessment.objects.submitted().count() == 1


def test_api_submitting_someone_elses_draft_is_404(personas, framework):
    other_draft = services.assessment_draft_get_or_create(user=personas.other_learner)
    response = _post(
        personas.client_for("learner"),
        {"draft_id": other_draft.pk, "ratings": [{"competency": "mlops", "level": 2}]},
    )
    assert response.status_code == 404
    assert Assessment.objects.get(pk=other_draft.pk).is_draft


def test_api_needs_authentication(client, framework):
    assert client.get("/api/me/assessments").status_code == 401


def test_api_manager_ratings_side_by_side(personas, framework):
    make_snapshot(personas.learner, {"mlops": 2}, track=framework["track"])
    client = personas.client_for("manager")
    url = f"/api/teams/{personas.team.pk}/members/{personas.learner.pk}/ratings"
    created = client.post(
        url, {"competency": "mlops", "level": 4, "note": "solid"}, content_type="application/json"
    )
    assert created.status_code == 201 and created.json()["level"] == 4
    rows = {row["competency"]: row for row in client.get(url).json()}
    assert rows["mlops"]["self_level"] == 2
    assert rows["mlops"]["manager_rating"]["level"] == 4
    assert rows["rai"]["manager_rating"] is None
    bad = client.post(url, {"competency": "mlops", "level": 8}, content_type="application/json")
    assert bad.status_code == 422
    unknown = client.post(
        url, {"competency": "astrology", "level": 3}, content_type="application/json"
    )
    assert unknown.status_code == 422


def test_api_manager_of_another_team_gets_404(personas, framework):
    url = f"/api/teams/{personas.team.pk}/members/{personas.learner.pk}/ratings"
    client = personas.client_for("other_manager")
    assert client.get(url).status_code == 404
    assert (
        client.post(
            url, {"competency": "mlops", "level": 3}, content_type="application/json"
        ).status_code
        == 404
    )


# --- Demo data ---------------------------------------------------------------------------


def test_seed_assessments_creates_growing_history_once(framework):
    learners = [make_user(), make_user()]
    now = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    created = services.seed_assessments(
        users=learners, track=framework["track"], snapshots=3, now=now
    )
    assert created == 6
    assert services.seed_assessments(users=learners, track=framework["track"], now=now) == 0
    dates = list(
        Assessment.objects.filter(user=learners[0])
        .order_by("submitted_at")
        .values_list("submitted_at", flat=True)
    )
    assert dates[-1] == now and (dates[-1] - dates[0]).days == 60
    levels = list(
        Rating.objects.filter(assessment__user=learners[0], competency_code="mlops")
        .order_by("assessment__submitted_at")
        .values_list("level", flat=True)
    )
    assert levels == sorted(levels)
    copied = Rating.objects.filter(assessment__user=learners[0], competency_code="mlops").first()
    assert copied.descriptor_en == f"MLOps level {copied.level}" and copied.target_level == 4


def test_competency_model_is_untouched_by_snapshots(framework):
    # Guard: copying into a snapshot never writes the framework.
    before = list(Competency.objects.values_list("code", "name_fr", "levels"))
    make_snapshot(make_user(), {"mlops": 3}, track=framework["track"])
    assert list(Competency.objects.values_list("code", "name_fr", "levels")) == before


def test_radar_numbers_are_not_localised_in_french(personas, framework):
    # French formats 320.0 as "320,0", which SVG reads as two coordinates.
    make_snapshot(personas.learner, {"mlops": 2}, track=framework["track"])
    personas.learner.language = "fr"
    personas.learner.save(update_fields=["language"])
    html = personas.client_for("learner").get(reverse("assessments:history")).text
    assert 'class="radar-spoke"' in html
    assert not re.search(r'\b(x|y|x1|y1|x2|y2)="\d+,\d', html)


def test_compare_panel_says_when_no_gap_is_open(personas, framework):
    make_snapshot(
        personas.learner, {"mlops": 5, "ml": 5, "rai": 5, "privacy": 5}, track=framework["track"]
    )
    html = _compare_panel(personas.learner, framework["phase"])
    assert "no open gap" in html and "Take a competency" not in html


def test_history_compares_with_the_track_chosen(personas, framework):
    other = make_track("data-po", phases=1)
    make_target(other, framework["comps"]["ml"], 5)
    make_snapshot(personas.learner, {"mlops": 1, "ml": 1}, track=framework["track"])
    client = personas.client_for("learner")
    default = client.get(reverse("assessments:history"))
    assert default.context["overview"].track.code == "ai-po"
    assert 'name="track"' in default.text
    chosen = client.get(reverse("assessments:history"), {"track": "data-po"})
    assert [(g.code, g.size) for g in chosen.context["overview"].gaps] == [("ml", 4)]


def test_history_measures_against_the_track_the_learner_joined(personas, framework):
    from tracker.progress.services import track_join

    other = make_track("data-po", phases=1)
    make_target(other, framework["comps"]["ml"], 5)
    make_snapshot(personas.learner, {"mlops": 1, "ml": 1}, track=framework["track"])
    track_join(user=personas.learner, track=other)
    response = personas.client_for("learner").get(reverse("assessments:history"))
    assert response.context["overview"].track.code == "data-po"
    # someone else's enrolment changes nothing for this learner
    track_join(user=personas.other_learner, track=framework["track"])
    response = personas.client_for("learner").get(reverse("assessments:history"))
    assert response.context["overview"].track.code == "data-po"


def test_compare_panel_queries_do_not_grow_with_options(
    personas, framework, django_assert_num_queries
):
    make_snapshot(personas.learner, {"mlops": 1, "ml": 1}, track=framework["track"])
    # latest snapshot, its ratings, targets, competency names, options, their competencies
    with django_assert_num_queries(6):
        _compare_panel(personas.learner, framework["phase"])
    for code in ["P1-D", "P1-E", "P1-F"]:
        course = make_course(code, phase=framework["phase"], track=framework["track"])
        course.competencies.add(framework["comps"]["rai"], framework["comps"]["ml"])
    with django_assert_num_queries(6):
        html = _compare_panel(personas.learner, framework["phase"])
    assert html.count("<tr>") == 7  # header and six options
