"""The catalogue's filter form (a GET form: it works without JavaScript)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import selectors
from .models import Competency, Track

PRICE_CHOICES = [("", _("Free or paid")), ("free", _("Free")), ("paid", _("Paid"))]
SORT_CHOICES = [
    ("title", _("Title")),
    ("effort", _("Shortest first")),
    ("-effort", _("Longest first")),
    ("-prestige", _("Most prestigious first")),
]


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Title, provider, description…")}
        ),
    )
    provider = forms.ChoiceField(label=_("Provider"), required=False)
    price = forms.ChoiceField(label=_("Price"), required=False, choices=PRICE_CHOICES)
    min_hours = forms.DecimalField(
        label=_("Min. hours"), required=False, min_value=0, max_digits=7, decimal_places=2
    )
    max_hours = forms.DecimalField(
        label=_("Max. hours"), required=False, min_value=0, max_digits=7, decimal_places=2
    )
    competency = forms.ChoiceField(label=_("Competency"), required=False)
    track = forms.ChoiceField(label=_("Track"), required=False)
    phase = forms.ChoiceField(label=_("Phase"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        anything = [("", _("Any"))]
        self.fields["provider"].choices = anything + [
            (name, name) for name in selectors.provider_names()
        ]
        # Only what a choice shows: not the descriptions and levels of every entry.
        shown = ("code", "name_fr", "name_en")
        self.fields["competency"].choices = anything + [
            (c.code, c.name) for c in Competency.objects.filter(is_active=True).only(*shown)
        ]
        self.fields["track"].choices = anything + [
            (t.code, t.name) for t in Track.objects.only(*shown)
        ]
        self.fields["phase"].choices = anything + [(code, code) for code in selectors.phase_codes()]
        for name in ("min_hours", "max_hours"):
            self.fields[name].widget.attrs.update({"inputmode": "decimal", "step": "any"})

    def clean(self) -> dict:
        data = super().clean()
        low, high = data.get("min_hours"), data.get("max_hours")
        if low is not None and high is not None and low > high:
            self.add_error("max_hours", _("Must be at least the minimum."))
            data.pop("max_hours", None)
        return data

    def filters(self) -> selectors.CourseFilters:
        """The filters from the fields that are valid: a bad field is shown with its
        message and ignored, the others still narrow the list."""
        self.is_valid()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"id_{name}-error"}
                )
        data = self.cleaned_data
        price = data.get("price")
        return selectors.CourseFilters(
            q=(data.get("q") or "").strip(),
            provider=data.get("provider") or "",
            is_free={"free": True, "paid": False}.get(price or ""),
            min_hours=data.get("min_hours"),
            max_hours=data.get("max_hours"),
            competency=data.get("competency") or "",
            track=data.get("track") or "",
            phase=data.get("phase") or "",
            sort=data.get("sort") or "title",
        )

    @property
    def is_filtered(self) -> bool:
        return any(self.data.get(name) for name in self.fields if name != "sort")
