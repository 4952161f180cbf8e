"""From gaps to courses: a pure, explainable ranking of a phase's options.

The rule, stated so that a learner can check it by hand:

* a gap is the track's target level minus the learner's latest level, for each rated
  competency below its target;
* an option scores the sum of the squares of the gaps it covers (a course covering a
  3-level gap scores 9, one covering two 1-level gaps scores 2): squaring weighs the
  largest gaps most, as the learner needs them most;
* ties go to the option that covers the largest gap, then to the smaller effort.

The reason given in words names what the option covers, the largest gap first.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


@dataclass(frozen=True)
class Gap:
    code: str
    name: str
    target: int
    level: int | None  # None: not rated yet

    @property
    def size(self) -> int:
        return 0 if self.level is None else max(self.target - self.level, 0)


@dataclass(frozen=True)
class RankedOption:
    option: Any
    score: int
    covered: list[Gap] = field(default_factory=list)
    reason: str = ""

    @property
    def score_terms(self) -> str:
        """The score as its sum, to show how it was reached ("3² + 1² = 10")."""
        if not self.covered:
            return "0"
        return " + ".join(f"{gap.size}²" for gap in self.covered) + f" = {self.score}"


def open_gaps(gaps: Sequence[Gap]) -> list[Gap]:
    """The gaps still open (size > 0), largest first, then by name."""
    return sorted((g for g in gaps if g.size > 0), key=lambda g: (-g.size, g.name.casefold()))


def join_names(names: Sequence[str]) -> str:
    """ "A", "A and B", "A, B and C" in the active language."""
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    return _("%(first)s and %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


def explain(covered: Sequence[Gap], largest_size: int) -> str:
    """The reason in words: "Covers MLOps, your largest gap, and Responsible AI."."""
    if not covered:
        return _("Covers none of your open gaps.")
    largest = [g.name for g in covered if g.size == largest_size]
    others = [g.name for g in covered if g.size != largest_size]
    if not largest:
        return _("Covers %(names)s.") % {"names": join_names(others)}
    head = ngettext(
        "Covers %(names)s, your largest gap",
        "Covers %(names)s, your largest gaps",
        len(largest),
    ) % {"names": join_names(largest)}
    if not others:
        return head + "."
    return _("%(head)s, and %(others)s.") % {"head": head, "others": join_names(others)}


def rank_options(
    *,
    gaps: Sequence[Gap],
    options: Sequence[tuple[Any, Collection[str]]],
    effort_of=lambda option: getattr(option, "effort_hours", Decimal(0)),
) -> list[RankedOption]:
    """Rank `options` (each an option with the codes of the competencies it covers) by how
    well they close `gaps`. Pure: no database, same input, same output."""
    open_ = open_gaps(gaps)
    largest_size = open_[0].size if open_ else 0
    ranked = []
    for option, codes in options:
        covered = [gap for gap in open_ if gap.code in codes]
        score = sum(gap.size**2 for gap in covered)
        ranked.append(
            RankedOption(
                option=option,
                score=score,
                covered=covered,
                reason=explain(covered, largest_size),
            )
        )
    ranked.sort(
        key=lambda r: (
            -r.score,
            -(r.covered[0].size if r.covered else 0),
            effort_of(r.option),
            str(getattr(r.option, "code", "")),
        )
    )
    return ranked
