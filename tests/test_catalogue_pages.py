"""Catalogue pages: the list with its filters, a course, a track, a phase's comparison."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    make_catalogue,
    make_competency,
    make_course,
    make_option,
    make_target,
    make_track,
)

pytestmark = pytest.mark.django_db

CATALOGUE = reverse("courses:catalogue")


def _codes(response) -> list[str]:
    return [course.code for course, _links, _mark in response.context["rows"]]


@pytest.fixture
def catalogue_data():
    """A track with two phases; phase 1 offers a free option A and a paid option B."""
    ml = make_competency("ml-literacy", name_fr="Culture du machine learning")
    mlops = make_competency("mlops", name_fr="MLOps", aliases=["MLOps et déploiement"])
    track = make_track("ai-po", phases=2)
    duke = make_option(
        track,
        "P1",
        "A",
        hours="90",
        weekly_hours="5",
        title="AI Product Management",
        provider="Duke University",
        price="Gratuit (Audit)",
        is_free=True,
        prestige=5,
        url="https://www.coursera.org/specializations/ai-product-management-duke",
        badge="Certificat Duke",
        status="À choisir (Option A)",
        competencies=[ml, mlops],
        competency_names=["Culture du machine learning", "MLOps et déploiement", "Leadership"],
        modules=[("Fondements du ML", 16), ("Gestion de projets ML", 18)],
        body_md="Un parcours sur la gestion de produits d'intelligence artificielle.",
        description_html="<p>Un parcours <strong>complet</strong>.</p>",
    )
    ibm = make_option(
        track,
        "P1",
        "B",
        hours="120",
        title="IBM AI Product Manager",
        provider="IBM",
        price="49 $/mois",
        is_free=False,
        prestige=4,
        competencies=[ml],
    )
    standalone = make_course("SOLO", hours="6", title="Prompting basics", provider="DeepLearning")
    return {"track": track, "duke": duke, "ibm": ibm, "solo": standalone, "ml": ml}


# --- Who sees what ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        reverse("courses:catalogue"),
        reverse("courses:course", args=["P1-A"]),
        reverse("courses:tracks"),
        reverse("courses:track", args=["ai-po"]),
        reverse("courses:compare", args=["ai-po", "P1"]),
    ],
)
def test_every_catalogue_page_sends_anonymous_visitors_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_an_htmx_request_from_an_expired_session_redirects_the_whole_page(client):
    response = client.get(CATALOGUE, headers={"HX-Request": "true"})
    assert response.headers["HX-Redirect"].startswith(reverse("login"))


@pytest.mark.parametrize("who", ["learner", "manager", "admin"])
def test_any_logged_in_user_reads_the_catalogue(personas, catalogue_data, who):
    client = personas.client_for(who)
    assert client.get(CATALOGUE).status_code == 200
    assert client.get(reverse("courses:course", args=["P1-A"])).status_code == 200


# --- The list -----------------------------------------------------------------------------


def test_catalogue_lists_active_courses_with_their_facts(learner_client, catalogue_data):
    make_course("OLD", title="Retired course", is_active=False)
    response = learner_client.get(CATALOGUE)
    assert _codes(response) == ["P1-A", "P1-B", "SOLO"]  # by title
    page = response.text
    assert "Retired course" not in page
    assert "Duke University" in page
    assert "18 semaines à 5 h/semaine" in page  # 90 h at 5 h a week
    assert "Prestige 5 sur 5" in page
    assert "Gratuit (Audit)" in page


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "ibm"}, ["P1-B"]),  # title, any case
        ({"q": "deeplearning"}, ["SOLO"]),  # provider
        ({"q": "intelligence artificielle"}, ["P1-A"]),  # description text
        ({"provider": "IBM"}, ["P1-B"]),
        ({"price": "free"}, ["P1-A"]),
        ({"price": "paid"}, ["P1-B", "SOLO"]),
        ({"min_hours": "50"}, ["P1-A", "P1-B"]),
        ({"max_hours": "90"}, ["P1-A", "SOLO"]),
        ({"min_hours": "10", "max_hours": "100"}, ["P1-A"]),
        ({"competency": "mlops"}, ["P1-A"]),
        ({"competency": "ml-literacy"}, ["P1-A", "P1-B"]),
        ({"track": "ai-po"}, ["P1-A", "P1-B"]),
        ({"track": "ai-po", "phase": "P2"}, []),
        ({"sort": "-effort"}, ["P1-B", "P1-A", "SOLO"]),
        ({"sort": "-prestige"}, ["P1-A", "P1-B", "SOLO"]),  # unrated last
    ],
)
def test_catalogue_filters_and_search(learner_client, catalogue_data, params, expected):
    response = learner_client.get(CATALOGUE, params)
    assert response.status_code == 200
    assert _codes(response) == expected


@pytest.mark.parametrize(
    "query",
    ["ethique", "ÉTHIQUE", "éthique de l\u2019ia", "Ethique de l'IA", "ecole", "reseaux"],
)
def test_search_ignores_accents_case_and_punctuation(learner_client, query):
    """`icontains` folds ASCII only (and differently per database): the search column is
    folded by the importer and the query the same way, so this holds on SQLite and
    PostgreSQL alike (the suite runs on both)."""
    make_course(
        "ETH",
        title="Éthique de l\u2019IA",
        provider="École des réseaux",
        body_md="Les réseaux de neurones et l'éthique.",
    )
    make_course("OTHER", title="Statistics", provider="Stanford")
    response = learner_client.get(CATALOGUE, {"q": query})
    assert _codes(response) == ["ETH"]


def test_search_does_not_match_across_two_fields(learner_client):
    make_course("JOIN", title="Product", provider="Management School")
    assert _codes(learner_client.get(CATALOGUE, {"q": "product management"})) == []
    assert _codes(learner_client.get(CATALOGUE, {"q": "management school"})) == ["JOIN"]


def test_the_importer_writes_the_folded_search_text(learner_client, tmp_path):
    from courses.importing import import_catalogue
    from tests.importer_helpers import course_md

    (tmp_path / "eth.md").write_text(
        course_md("ETH", body="# Éthique de l\u2019IA\n\nUn cours.\n"), encoding="utf-8"
    )
    assert import_catalogue([tmp_path]).errors == []
    assert _codes(learner_client.get(CATALOGUE, {"q": "ETHIQUE"})) == ["ETH"]
    # A re-import with a changed body rewrites it.
    (tmp_path / "eth.md").write_text(
        course_md("ETH", body="# Sécurité\n\nUn cours.\n"), encoding="utf-8"
    )
    import_catalogue([tmp_path])
    assert _codes(learner_client.get(CATALOGUE, {"q": "ethique"})) == []
    assert _codes(learner_client.get(CATALOGUE, {"q": "securite"})) == ["ETH"]


def test_the_migration_folds_the_courses_already_in_the_database(learner_client):
    import importlib

    from django.apps import apps

    from courses.models import Course

    migration = importlib.import_module("courses.migrations.0003_course_search_text")
    make_course("ETH", title="Éthique de l\u2019IA")
    Course.objects.update(search_text="")  # as before the migration
    assert _codes(learner_client.get(CATALOGUE, {"q": "ethique"})) == []
    migration.fill_search_text(apps, None)
    assert _codes(learner_client.get(CATALOGUE, {"q": "ethique"})) == ["ETH"]


def test_a_bad_filter_is_shown_at_its_field_and_the_others_still_apply(
    learner_client, catalogue_data
):
    response = learner_client.get(
        CATALOGUE, {"min_hours": "100", "max_hours": "10", "provider": "IBM"}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["max_hours"] == ["Doit être au moins égal au minimum."]
    assert _codes(response) == ["P1-B"]  # min 100 h and IBM still apply
    assert 'aria-invalid="true"' in response.text


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"min_hours": "-5"}, "min_hours"),
        ({"max_hours": "many"}, "max_hours"),
        ({"provider": "Nobody"}, "provider"),
        ({"competency": "unknown"}, "competency"),
        ({"sort": "random"}, "sort"),
    ],
)
def test_bad_filter_values_answer_200_with_the_error_named(
    learner_client, catalogue_data, params, field
):
    response = learner_client.get(CATALOGUE, params)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert len(_codes(response)) == 3  # the bad value narrows nothing


def test_htmx_request_gets_only_the_results_fragment(learner_client, catalogue_data):
    response = learner_client.get(CATALOGUE, {"q": "ibm"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "IBM AI Product Manager" in response.text
    assert "AI Product Management</a>" not in response.text
    assert "<html" not in response.text and "<form" not in response.text
    assert "HX-Request" in response.headers["Vary"]


def test_htmx_fragment_reports_an_ignored_filter(learner_client, catalogue_data):
    response = learner_client.get(
        CATALOGUE, {"min_hours": "9", "max_hours": "1"}, headers={"HX-Request": "true"}
    )
    assert 'role="alert"' in response.text
    assert "Doit être au moins égal au minimum." in response.text


def test_history_restore_gets_the_whole_page(learner_client, catalogue_data):
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    response = learner_client.get(CATALOGUE, headers=headers)
    assert "<form" in response.text


def test_filter_form_is_a_labelled_get_form_driven_by_htmx(learner_client, catalogue_data):
    page = learner_client.get(CATALOGUE).text
    assert 'method="get"' in page
    assert 'hx-get="/catalogue/"' in page and 'hx-push-url="true"' in page
    assert 'id="results" aria-live="polite"' in page
    for name in ["q", "provider", "price", "min_hours", "max_hours", "competency", "track"]:
        assert f'<label for="id_{name}">' in page


def test_catalogue_paginates(learner_client):
    for n in range(30):
        make_course(f"C{n:02}", title=f"Course {n:02}")
    response = learner_client.get(CATALOGUE, {"page": "2", "q": "course"})
    assert _codes(response) == ["C25", "C26", "C27", "C28", "C29"]
    assert "q=course&amp;page=1" in response.text


@pytest.mark.parametrize("size", [3, 30])
def test_catalogue_query_count_does_not_grow_with_courses(
    learner_client, django_assert_num_queries, size
):
    make_catalogue(size)
    # session, user; filter choices: providers, competencies, tracks, phase codes;
    # count (paginator), courses, their competencies; the nav's unread notifications;
    # where the learner stands on each course (progress' card marks, one query).
    with django_assert_num_queries(11):
        response = learner_client.get(CATALOGUE)
    assert response.status_code == 200


# Texts no catalogue row shows: each course's body, rendered description, search text and
# metadata, its track's and phase's descriptions (kilobytes a row, read for nothing).
UNSHOWN_COLUMNS = [
    '"courses_course"."body_md"',
    '"courses_course"."description_html"',
    '"courses_course"."search_text"',
    '"courses_course"."metadata"',
    '"courses_track"."description_md"',
    '"courses_track"."description_html"',
    '"courses_phase"."description_fr"',
    '"courses_phase"."description_en"',
]


def test_catalogue_rows_do_not_read_the_texts_they_do_not_show(learner_client):
    make_catalogue(3)
    with CaptureQueriesContext(connection) as queries:
        page = learner_client.get(CATALOGUE, {"sort": "effort"}).text
    selects = [q["sql"].split(" FROM ")[0] for q in queries.captured_queries]
    assert not [column for column in UNSHOWN_COLUMNS if any(column in s for s in selects)]
    assert "big-000" in page and "P1" in page


def test_course_page_does_not_read_the_texts_it_does_not_show(learner_client):
    make_catalogue(3)
    with CaptureQueriesContext(connection) as queries:
        page = learner_client.get(reverse("courses:course", args=["big-000"])).text
    # The catalogue's own queries (progress' panel reads its own rows).
    selects = [
        q["sql"].split(" FROM ")[0]
        for q in queries.captured_queries
        if ' FROM "courses_' in q["sql"]
    ]
    # The page shows the rendered description, not the body it was rendered from.
    unshown = [c for c in UNSHOWN_COLUMNS if "description_html" not in c or "track" in c]
    assert not [column for column in unshown if any(column in s for s in selects)]
    assert "big-000" in page


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_track_and_compare_query_counts_do_not_grow(learner_client):
    """The same count with 3 and 30 courses. Not a fixed number: tracker apps decorate
    these pages (tracker/pages: the assessments' compare panel and progress' track
    panel and option buttons add their own, pinned queries), while the catalogue's share
    is fixed: session, user; track; its phases with bounds; options; their modules; their
    competencies; targets (8) and for the comparison session, user; phase and track;
    options; modules; competencies (6)."""

    def counts(code: str) -> tuple[int, int]:
        track_url = reverse("courses:track", args=[code])
        compare_url = reverse("courses:compare", args=[code, "P1"])
        return _queries(learner_client, track_url), _queries(learner_client, compare_url)

    make_catalogue(3, track_code="small")
    make_catalogue(30, track_code="large")
    small, large = counts("small"), counts("large")
    assert small == large
    # 8 for the catalogue, 2 for progress' track panel (the learner's enrolment, choices),
    # 1 for the nav's unread notifications badge
    assert small[0] == 8 + 2 + 1


@pytest.mark.parametrize("modules", [1, 12])
def test_course_page_query_count_is_pinned(learner_client, django_assert_num_queries, modules):
    """The course page under load (issue 14) costs a fixed number of queries whatever its
    modules and competencies: session, user; the course with its track and phase; its
    modules; its competencies (3 for the catalogue); the nav's unread badge; and progress'
    panel (the learner's plans, enrolments, assignments, study figures, timer...)."""
    comps = [make_competency(f"pin-{n}") for n in range(modules % 5 + 1)]
    make_course(
        "PIN",
        competencies=comps,
        competency_names=[c.name_fr for c in comps],
        modules=[(f"M{n}", 2) for n in range(modules)],
    )
    learner_client.get(reverse("courses:course", args=["PIN"]))  # the session is warm
    with django_assert_num_queries(2 + 3 + 1 + COURSE_PANEL_QUERIES):
        response = learner_client.get(reverse("courses:course", args=["PIN"]))
    assert response.status_code == 200


# The learner's panel on a course page (progress' panel; no plan on this course): counted
# here so that a change to the catalogue's own share shows as one. Whether the course is in
# the plan (without a plan, the progress model's queries are not run: issue 14), the
# finishers' hours (calibration), the recent entries, the timer.
COURSE_PANEL_QUERIES = 4


# --- A course -----------------------------------------------------------------------------


def test_course_page_shows_everything_a_learner_weighs(learner_client, catalogue_data):
    response = learner_client.get(reverse("courses:course", args=["P1-A"]))
    page = response.text
    assert "<h1>AI Product Management</h1>" in page
    assert "<p>Un parcours <strong>complet</strong>.</p>" in page  # sanitised HTML, as is
    assert '<th scope="row">Fondements du ML</th><td class="num">16</td>' in page
    assert "90 h" in page and "18 semaines à 5 h/semaine" in page
    assert "Certificat Duke" in page and "À choisir (Option A)" in page
    assert 'rel="noopener noreferrer"' in page
    assert reverse("courses:track", args=["ai-po"]) in page
    assert reverse("courses:compare", args=["ai-po", "P1"]) in page
    # Names matched to the framework link to it under the framework's name in the UI
    # language; the others are plain text.
    assert '?competency=mlops">MLOps</a>' in page
    assert "MLOps et déploiement" not in page
    assert '<span class="tag tag-plain">Leadership</span>' in page
    # The two modules (34 h) are less than the effort (90 h): the page says so.
    assert "Les modules totalisent 34 h, l\u2019effort du cours est de 90 h" in page
    assert "Tous les modules terminés font 37 % du cours" in page


def _speak(user, language: str) -> None:
    user.language = language
    user.save(update_fields=["language"])


def test_competency_tags_use_the_framework_name_in_english(
    learner_client, personas, catalogue_data
):
    from courses.models import Competency

    Competency.objects.filter(code="ml-literacy").update(name_en="Machine learning literacy")
    _speak(personas.learner, "en")
    page = learner_client.get(reverse("courses:course", args=["P1-B"]))
    assert '?competency=ml-literacy">Machine learning literacy</a>' in page.text


def test_a_competency_named_twice_in_the_file_is_one_tag(learner_client, catalogue_data):
    from courses.models import Course

    Course.objects.filter(code="P1-A").update(
        competency_names=["MLOps", "MLOps et déploiement", "Culture du machine learning"]
    )
    page = learner_client.get(reverse("courses:course", args=["P1-A"])).text
    assert page.count('?competency=mlops">MLOps</a>') == 1
    catalogue = learner_client.get(CATALOGUE).text
    assert catalogue.count('?competency=mlops">MLOps</a>') == 1


def test_no_modules_note_when_the_modules_cover_the_effort(learner_client):
    make_course("FULL", hours="10", modules=[("One", 4), ("Two", 6)])
    make_course("NOHOURS", hours="10", modules=[("One", None)])
    for code in ("FULL", "NOHOURS"):
        page = learner_client.get(reverse("courses:course", args=[code])).text
        assert "modules-shortfall" not in page


@pytest.mark.parametrize(
    ("hours", "weekly", "said"),
    [
        ("61", "5", "13 semaines à 5 h/semaine (≈ 3 mois)"),  # 12.2 weeks
        ("90", "5", "18 semaines à 5 h/semaine (≈ 4 mois)"),
        ("6", "3", "2 semaines à 3 h/semaine<"),  # under two months: weeks only
        ("1", "2", "1 semaine à 2 h/semaine<"),
    ],
)
def test_durations_read_as_people_say_them(learner_client, hours, weekly, said):
    make_course("PACE", hours=hours, weekly_hours=weekly)
    page = learner_client.get(reverse("courses:course", args=["PACE"])).text
    assert said in page
    assert "12,2" not in page


@pytest.mark.parametrize(
    ("language", "is_free", "price", "said"),
    [
        ("fr", True, "Gratuit (Audit)", ">Gratuit (Audit)</span>"),
        ("en", True, "Gratuit (Audit)", ">Free (Audit)</span>"),
        ("fr", True, "", ">Gratuit</span>"),
        ("fr", False, "49 $/mois", ">49 $/mois</span>"),
        ("fr", False, "", ">Payant</span>"),
    ],
)
def test_the_price_badge_says_it_once(learner_client, personas, language, is_free, price, said):
    make_course("PRICE", is_free=is_free, price=price)
    _speak(personas.learner, language)
    page = learner_client.get(reverse("courses:course", args=["PRICE"])).text
    assert said in page
    assert page.count("badge-free") + page.count("badge-paid") == 1
    assert "Gratuit Gratuit" not in page and "Free Free" not in page


def test_free_is_not_the_alarm_colour():
    """The reminders' unread `.badge` is red; the price badges outrank it (two classes)."""
    from pathlib import Path

    from django.conf import settings

    css = (Path(settings.BASE_DIR) / "static/css/app.css").read_text()
    assert ".badge.badge-free { background: #dcfce7;" in css


def test_catalogue_cards_say_where_the_learner_stands(learner_client, personas, catalogue_data):
    import datetime

    from tracker.progress import services as progress_services

    user = personas.learner
    progress_services.phase_choose(
        user=user, phase=catalogue_data["track"].phases.get(code="P1"), course=catalogue_data["ibm"]
    )
    plan = progress_services.plan_add(user=user, course=catalogue_data["solo"])
    page = learner_client.get(CATALOGUE).text
    assert page.count('class="mark ') == 2
    assert '<span class="mark mark-chosen">Option choisie</span>' in page
    assert '<span class="mark mark-planned">Dans mon plan</span>' in page
    progress_services.plan_mark_done(plan=plan, done=True, on=datetime.date(2026, 1, 5))
    page = learner_client.get(CATALOGUE).text
    assert '<span class="mark mark-done">Terminé</span>' in page
    # Another learner's plan marks nothing here.
    assert 'class="mark ' not in personas.client_for("other_learner").get(CATALOGUE).text


def test_course_page_escapes_every_field_but_the_description(learner_client):
    make_course("X1", title="<script>alert(1)</script>", provider="<b>Evil</b>")
    page = learner_client.get(reverse("courses:course", args=["X1"])).text
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;" in page and "&lt;b&gt;Evil" in page


def test_unknown_course_is_404(learner_client, catalogue_data):
    assert learner_client.get(reverse("courses:course", args=["P9-Z"])).status_code == 404


def test_a_retired_course_still_opens_with_a_notice(learner_client):
    make_course("OLD", is_active=False)
    response = learner_client.get(reverse("courses:course", args=["OLD"]))
    assert response.status_code == 200
    assert "plus au catalogue" in response.text


def test_course_page_is_composed_with_the_learners_panel(learner_client, catalogue_data):
    """tracker/pages serves the course's URL: the catalogue's page, the panel in it."""
    response = learner_client.get(reverse("courses:course", args=["P1-A"]))
    names = [t.name for t in response.templates]
    assert names[:2] == ["pages/course_detail.html", "courses/course_detail.html"]
    assert "progress/course_panel.html" in names


# --- Tracks and comparison ----------------------------------------------------------------


def test_track_page_lists_phases_in_order_with_their_options(learner_client, catalogue_data):
    response = learner_client.get(reverse("courses:track", args=["ai-po"]))
    page = response.text
    assert [p.code for p in response.context["phases"]] == ["P1", "P2"]
    assert page.index("AI Product Management") < page.index("IBM AI Product Manager")
    assert reverse("courses:compare", args=["ai-po", "P1"]) in page
    assert "90 h à 120 h" in page  # the range over the options
    names = [t.name for t in response.templates]
    assert names[:2] == ["pages/track_detail.html", "courses/track_detail.html"]
    assert "progress/track_panel.html" in names


def test_tracks_index_lists_tracks(learner_client, catalogue_data):
    response = learner_client.get(reverse("courses:tracks"))
    assert reverse("courses:track", args=["ai-po"]) in response.text


def test_tracks_page_compares_tracks_side_by_side(learner_client, personas, catalogue_data):
    """Hours (shortest to longest options), weeks at the learner's own pace, phases,
    certifications and competencies covered against the framework, one column a track."""
    personas.learner.weekly_hours_available = 10
    personas.learner.save(update_fields=["weekly_hours_available"])
    make_competency("privacy", name_fr="Vie privée")  # in the framework, covered by none
    essentials = make_track("essentials", phases=1)
    make_option(essentials, "P1", "A", code="E-P1-A", hours="25", badge="Badge AI essentials")
    make_target(essentials, catalogue_data["ml"], 3)
    response = learner_client.get(reverse("courses:tracks"))
    page = response.text
    table = page[page.index('class="compare-table tracks-compare"') :]
    table = table[: table.index("</table>")]
    assert table.count('<th scope="col">') == 2  # one column per track
    summaries = {s.track.code: s for s in response.context["summaries"]}
    ai_po = summaries["ai-po"]
    # P1 offers 90 h or 120 h, P2 has no option: 90 h to 120 h, 9 to 12 weeks at 10 h.
    assert (ai_po.min_hours, ai_po.max_hours, ai_po.min_weeks, ai_po.max_weeks) == (
        90,
        120,
        9,
        12,
    )
    assert "90 h à 120 h" in table and "9 à 12 semaines" in table
    assert ">25 h</td>" in table and ">3 semaines</td>" in table  # one option: one figure
    assert ai_po.certifications == ["Certificat Duke"]
    assert "Badge AI essentials" in table
    # ml-literacy and mlops of the framework's three; essentials targets ml, uncovered.
    assert (ai_po.covered, ai_po.framework_size) == (2, 3)
    assert "2 sur les 3 du référentiel" in table
    assert (summaries["essentials"].targets_covered, summaries["essentials"].targets) == (0, 1)
    assert "10 h par semaine" in page


def test_tracks_page_query_count_does_not_grow_with_tracks(learner_client, catalogue_data):
    def count() -> int:
        return _queries(learner_client, reverse("courses:tracks"))

    few = count()
    for code in ("t2", "t3", "t4"):
        track = make_track(code, phases=2)
        make_option(track, "P1", "A", code=f"{code}-A", badge="B")
    assert count() == few


def test_compare_puts_options_side_by_side(learner_client, catalogue_data):
    response = learner_client.get(reverse("courses:compare", args=["ai-po", "P1"]))
    page = response.text
    assert response.status_code == 200
    assert page.count('<th scope="col">') == 2  # one column per option
    assert '<th scope="row">Prestataire</th><td>Duke University</td><td>IBM</td>' in page
    assert '<td class="num">90</td><td class="num">120</td>' in page
    # MLOps: covered by A, not by B, said in words and not only by a mark.
    row = page[page.index("MLOps</a>") :]
    row = row[: row.index("</tr>")]
    assert row.index("Couvert") < row.index("Non couvert")
    names = [t.name for t in response.templates]
    assert names[:2] == ["pages/phase_compare.html", "courses/phase_compare.html"]
    assert "assessments/_compare_panel.html" in names
    assert names.count("progress/option_actions.html") == 2
    assert page.index("<table") > page.index("comparer les options") > 0


@pytest.mark.parametrize("args", [["nope", "P1"], ["ai-po", "P9"], ["ai-po", "p1"], ["nope", "P9"]])
def test_compare_of_an_unknown_track_or_phase_is_404(learner_client, catalogue_data, args):
    assert learner_client.get(reverse("courses:compare", args=args)).status_code == 404


def test_unknown_track_is_404(learner_client):
    assert learner_client.get(reverse("courses:track", args=["nope"])).status_code == 404


def test_nav_links_to_catalogue_and_tracks(learner_client):
    page = learner_client.get(reverse("dashboard")).text
    assert f'href="{CATALOGUE}"' in page
    assert f'href="{reverse("courses:tracks")}"' in page


def test_phase_filter_orders_codes_by_number(learner_client):
    make_track("long", phases=11)
    choices = learner_client.get(CATALOGUE).context["form"].fields["phase"].choices
    assert [code for code, _label in choices][1:4] == ["P1", "P2", "P3"]
    assert [code for code, _label in choices][-2:] == ["P10", "P11"]


def test_pages_speak_english_to_an_english_user(client, catalogue_data):
    from tests.factories import make_user

    client.force_login(make_user(language="en"))
    page = client.get(reverse("courses:compare", args=["ai-po", "P1"])).text
    assert "compare the options" in page and "Not covered" in page
    page = client.get(CATALOGUE).text
    assert "3 courses" in page and "18 weeks at 5 h/week" in page


def test_course_body_headings_nest_under_the_page_headings(learner_client):
    make_course("H1", description_html="<h1>Titre</h1><h2 id='x'>Partie</h2><h5>Fin</h5>")
    page = learner_client.get(reverse("courses:course", args=["H1"])).text
    assert "<h3>Titre</h3><h4 id='x'>Partie</h4><h6>Fin</h6>" in page
    assert "<h1>Titre" not in page
