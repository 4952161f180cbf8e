"""Forms: one small form per competency (prefixed by its code), so each block of the
assessment page validates, saves and re-renders on its own."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from courses.models import Competency

from .models import LEVEL_CHOICES, Rating
from .services import RatingInput, validate_evidence_url

NOT_RATED = ""


class EvidenceURLField(forms.URLField):
    """The service's own check instead of Django's URLValidator, which lets `ftp://`
    through: the form refuses what assessment_rating_save refuses, once."""

    default_validators = [validate_evidence_url]


class CompetencyRatingForm(forms.Form):
    """The level is chosen by its descriptor: each radio's label is the descriptor."""

    level = forms.TypedChoiceField(
        label=_("Level"),
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    evidence_url = EvidenceURLField(
        label=_("Evidence link (optional)"),
        required=False,
        max_length=500,
        assume_scheme="https",
        error_messages={"invalid": _("Enter a full web address (https://…).")},
    )

    def __init__(self, *args, competency: Competency, **kwargs) -> None:
        kwargs.setdefault("prefix", competency.code)
        super().__init__(*args, **kwargs)
        self.competency = competency
        choices = [(NOT_RATED, _("Not rated"))]
        for level, _label in LEVEL_CHOICES:
            descriptor = competency.descriptor(level) if len(competency.levels) >= level else ""
            choices.append((level, f"{level} · {descriptor}"))
        self.fields["level"].choices = choices

    @classmethod
    def for_rating(cls, competency: Competency, rating: Rating | None) -> CompetencyRatingForm:
        initial = {"level": NOT_RATED}
        if rating is not None:
            initial = {
                "level": rating.level if rating.level is not None else NOT_RATED,
                "note": rating.note,
                "evidence_url": rating.evidence_url,
            }
        return cls(competency=competency, initial=initial)

    def to_input(self) -> RatingInput:
        data = self.cleaned_data
        return RatingInput(
            competency=self.competency.code,
            level=data["level"],
            note=data["note"],
            evidence_url=data["evidence_url"],
        )


class ManagerRatingForm(forms.Form):
    competency = forms.ModelChoiceField(
        label=_("Competency"),
        queryset=Competency.objects.filter(is_active=True),
        to_field_name="code",
    )
    level = forms.TypedChoiceField(
        label=_("Level"), coerce=int, choices=LEVEL_CHOICES, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
