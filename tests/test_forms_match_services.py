"""Forms against their services, on the same bad values.

A view that saves through a service after `form.is_valid()` answers a 500 when the
service refuses what the form let through (the assessment form took an `ftp://` evidence
link that the service refuses). For each form whose view does not expect a refusal, every
bad value below must be refused by the service *and* by the form, at the same field.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import make_competency, make_course, make_team, make_user
from tracker.assessments import services as assessment_services
from tracker.assessments.forms import CompetencyRatingForm, ManagerRatingForm
from tracker.assessments.models import Assessment, Rating
from tracker.assessments.services import RatingInput
from tracker.progress import services as progress_services
from tracker.progress.forms import ModulesForm
from tracker.teams import services as team_services
from tracker.teams.forms import DueDateForm

pytestmark = pytest.mark.django_db

BAD_EVIDENCE = [
    "ftp://example.test/certificate.pdf",
    "ftps://example.test/certificate.pdf",
    "file:///etc/passwd",
    "javascript:alert(1)",
    "mailto:me@example.test",
    "http://",
    "not a url",
]


def refused_by_service_at(field: str, call) -> None:
    with pytest.raises(ValidationError) as error:
        call()
    assert field in error.value.message_dict


def refused_by_form_at(field: str, form) -> None:
    assert not form.is_valid()
    assert field in form.errors


@pytest.mark.parametrize("url", BAD_EVIDENCE)
def test_an_evidence_link_the_service_refuses_is_refused_by_the_form(url):
    competency = make_competency("mlops")
    draft = Assessment.objects.create(user=make_user())
    refused_by_service_at(
        "evidence_url",
        lambda: assessment_services.assessment_rating_save(
            assessment=draft,
            competency=competency,
            rating=RatingInput(competency="mlops", level=2, evidence_url=url),
        ),
    )
    form = CompetencyRatingForm(
        {"mlops-level": "2", "mlops-note": "", "mlops-evidence_url": url}, competency=competency
    )
    refused_by_form_at("evidence_url", form)
    assert len(form.errors["evidence_url"]) == 1  # one message, not the same one twice


@pytest.mark.parametrize("url", BAD_EVIDENCE)
def test_the_assessment_page_refuses_a_bad_evidence_link_at_the_field_not_with_a_500(client, url):
    learner = make_user()
    make_competency("mlops")
    client.force_login(learner)
    client.get(reverse("assessments:take"))
    draft = Assessment.objects.drafts().get(user=learner)
    data = {"competency": "mlops", "mlops-level": "2", "mlops-evidence_url": url}
    saved = client.post(
        reverse("assessments:save", args=[draft.pk]), data, headers={"hx-request": "true"}
    )
    assert saved.status_code == 200 and 'aria-invalid="true"' in saved.text
    submitted = client.post(reverse("assessments:submit", args=[draft.pk]), data)
    assert submitted.status_code == 200 and 'aria-invalid="true"' in submitted.text
    assert not Rating.objects.exists() and not Assessment.objects.submitted().exists()


@pytest.mark.parametrize("level", ["0", "6", "-1", "2.5", ""])
def test_a_manager_rating_level_the_service_refuses_is_refused_by_the_form(level):
    competency = make_competency("mlops")
    manager, member = make_user(), make_user()
    team = make_team(managers=[manager], members=[member])
    number = int(level) if level.lstrip("-").isdigit() else None
    refused_by_service_at(
        "level",
        lambda: assessment_services.manager_rating_create(
            team=team, manager=manager, member=member, competency=competency, level=number
        ),
    )
    form = ManagerRatingForm({"competency": "mlops", "level": level, "note": ""})
    refused_by_form_at("level", form)


@pytest.mark.parametrize("days_ago", [1, 400])
def test_a_due_date_the_service_refuses_is_refused_by_the_form(days_ago):
    manager, member = make_user(), make_user()
    team = make_team(managers=[manager], members=[member])
    course = make_course()
    today = datetime.date(2026, 5, 4)
    (assignment,) = team_services.assignment_assign(
        actor=manager,
        team=team,
        assignees=[member],
        course=course,
        due_date=today,
        today=today,
    )
    past = today - datetime.timedelta(days=days_ago)
    refused_by_service_at(
        "due_date",
        lambda: team_services.assignment_set_individual_due_date(
            actor=manager, assignment=assignment, due_date=past, today=today
        ),
    )
    refused_by_form_at("due_date", DueDateForm({"due_date": past.isoformat()}, today=today))


def test_a_module_of_another_course_is_refused_by_the_form_as_by_the_service():
    course = make_course(modules=[("Un", 2)])
    other = make_course(modules=[("Autre", 2)])
    plan = progress_services.plan_add(user=make_user(), course=course)
    foreign = other.modules.get().pk
    refused_by_service_at(
        "modules", lambda: progress_services.plan_set_modules(plan=plan, module_ids=[foreign])
    )
    refused_by_form_at("modules", ModulesForm({"modules": [str(foreign)]}, course=course))
