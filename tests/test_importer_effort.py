"""Effort strings as real sites print them, and a property test over the grammar.

The rule: an effort is parsed to the hours its author meant, or refused. The corpus holds
phrasings copied from course pages (LinkedIn Learning, Udemy, Coursera, edX,
FutureLearn, FUN MOOC, French training catalogues); the property test writes effort
strings from the grammar docs/catalogue-format.md describes and parses them back.
"""

from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from courses.importing.effort import MAX_HOURS, WEEKS_PER_MONTH, EffortError, parse_effort

TWO_PLACES = Decimal("0.01")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def hours_of(value) -> Decimal:
    return Decimal(value).quantize(TWO_PLACES)


# (phrasing as the site prints it, hours, hours a week or None)
CORPUS = [
    # LinkedIn Learning: the course length, hours and minutes.
    ("1h 32m", hours_of(Decimal(92) / 60), None),
    ("45m", "0.75", None),
    ("2h 5m", hours_of(Decimal(125) / 60), None),
    ("58m 30s", hours_of(Decimal(3510) / 3600), None),
    # Udemy.
    ("12.5 total hours", "12.5", None),
    ("1 total hour", "1", None),
    ("45 total mins", "0.75", None),
    ("2 hours on-demand video", "2", None),
    ("30 mins on-demand video", "0.5", None),
    # Coursera.
    ("Approx. 90 hours to complete", "90", None),
    ("4 months at 5 hours a week", hours_of(4 * WEEKS_PER_MONTH * 5), "5"),
    ("3 weeks at 10 hours a week", "30", "10"),
    ("1 month at 10 hours a week", hours_of(WEEKS_PER_MONTH * 10), "10"),
    (
        "Approximately 6 months to complete. Suggested pace of 4 hours/week",
        hours_of(6 * WEEKS_PER_MONTH * 4),
        "4",
    ),
    ("Approx. 14 hours to complete", "14", None),
    # edX: a duration and a range of hours a week (the upper bound counts).
    ("6 weeks, 8\u201310 hours per week", "60", "10"),
    ("Estimated 8 weeks 3\u20134 hours per week", "32", "4"),
    ("10 weeks, 6-8 hrs/week", "80", "8"),
    # FutureLearn.
    ("4 weeks, 3 hours per week", "12", "3"),
    ("Duration 4 weeks Weekly study 3 hours", "12", "3"),
    ("Weekly study: 5 hours. Duration: 6 weeks", "30", "5"),
    # FUN MOOC and French catalogues.
    ("Durée : 7 semaines, Effort : 2h00/semaine", "14", "2"),
    ("5 semaines, 2 h 30 par semaine", "12.5", "2.5"),
    ("90h (4 mois à 5h/semaine)", "90", "5"),
    ("2 h 30", "2.5", None),
    ("1 h 30 de vidéo", "1.5", None),
    ("1h30 (90 min)", "1.5", None),
    ("Durée : 35 heures / 5 jours", "35", None),
    # Training days: 7 hours a day unless the file says otherwise.
    ("3 jours (21 heures)", "21", None),
    ("2 jours", "14", None),
    ("2 days", "14", None),
    ("3j", "21", None),
    ("0,5 jour", "3.5", None),
    ("5 jours à 2h/jour", "10", None),
    ("2h par jour pendant 5 jours", "10", None),
    # Per month.
    ("6 mois à 5h/mois", "30", hours_of(Decimal(5) / WEEKS_PER_MONTH)),
    # A clock.
    ("1:30", "1.5", None),
    ("01:30:00", "1.5", None),
    ("12:05", hours_of(Decimal(725) / 60), None),
]


@pytest.mark.parametrize(("text", "hours", "weekly"), CORPUS, ids=[c[0] for c in CORPUS])
def test_real_phrasings_parse_to_the_hours_they_mean(text, hours, weekly):
    effort = parse_effort(text)
    assert effort.hours == Decimal(hours)
    assert effort.weekly_hours == (Decimal(weekly) if weekly is not None else None)


REFUSED = [
    # Two totals that disagree: which one is meant cannot be known.
    ("2 h de vidéo + 3 h d'exercices", "two different"),
    ("45 min, 2 hours", "two different"),
    # 1,500 is 1500 in English and 1.5 in French.
    ("1,500 hours", "ambiguous"),
    # Minutes over 59 after hours: a typo.
    ("1h75", "minutes"),
    ("1:75", "not a duration"),
    # A pace with no duration or total.
    ("Suggested pace of 10 hours/week", "not a duration"),
    ("10h par mois", "not a duration"),
    ("2h/jour", "not a duration"),
    # A duration with no hours: weeks and months are calendar time, not effort.
    ("6 semaines", "not a duration"),
    ("demi-journée", "not a duration"),
    ("yes", "not a duration"),
]


@pytest.mark.parametrize(("text", "message"), REFUSED, ids=[r[0] for r in REFUSED])
def test_phrasings_that_cannot_be_read_for_sure_are_refused(text, message):
    with pytest.raises(EffortError, match=message):
        parse_effort(text)


# --- the grammar, written out by hypothesis --------------------------------------------

NOISE_BEFORE = st.sampled_from(["", "Approx. ", "environ ", "Durée : ", "Effort: ", "~"])
NOISE_AFTER = st.sampled_from(["", " to complete", " (self-paced)", " on-demand video", "."])
DECIMAL_MARK = st.sampled_from([".", ","])


@st.composite
def hours_and_minutes(draw) -> tuple[str, Decimal]:
    hours = draw(st.integers(min_value=0, max_value=300))
    minutes = draw(st.integers(min_value=0 if hours else 1, max_value=59))
    template = draw(
        st.sampled_from(
            [
                "{h}h{m:02d}",
                "{h} h {m:02d}",
                "{h}h {m}m",
                "{h} h {m} min",
                "{h} hours {m} minutes",
                "{h} hour {m} mins",
                "{h}:{m:02d}",
                "{h} heures {m}",
                "{h}hr {m}min",
                "{h}h{m}mn",
                "{h} HOURS {m} MIN",
            ]
        )
    )
    return template.format(h=hours, m=minutes), Decimal(hours) + Decimal(minutes) / 60


@st.composite
def decimal_hours(draw) -> tuple[str, Decimal]:
    whole = draw(st.integers(min_value=0, max_value=1999))
    tenths = draw(st.integers(min_value=0 if whole else 1, max_value=9))
    mark = draw(DECIMAL_MARK)
    unit = draw(
        st.sampled_from(["h", " h", " hours", " heures", " total hours", "hrs", " hr", " Heures"])
    )
    number = f"{whole}{mark}{tenths}" if tenths else str(whole)
    return number + unit, Decimal(whole) + Decimal(tenths) / 10


@st.composite
def minutes_only(draw) -> tuple[str, Decimal]:
    minutes = draw(st.integers(min_value=1, max_value=600))
    unit = draw(st.sampled_from([" min", "m", " mins", " minutes", " total mins", "mn"]))
    return f"{minutes}{unit}", Decimal(minutes) / 60


@st.composite
def training_days(draw) -> tuple[str, Decimal]:
    days = draw(st.integers(min_value=1, max_value=40))
    unit = draw(st.sampled_from([" jours", " days", "j", " journées", " day", " jour"]))
    return f"{days}{unit}", Decimal(days) * 7


@st.composite
def duration_at_pace(draw) -> tuple[str, Decimal]:
    count = draw(st.integers(min_value=1, max_value=24))
    pace = draw(st.integers(min_value=1, max_value=15))
    low = draw(st.integers(min_value=1, max_value=pace))
    template, weeks = draw(
        st.sampled_from(
            [
                ("{n} semaines à {r}h/semaine", Decimal(1)),
                ("{n} weeks at {r} hours a week", Decimal(1)),
                ("{n} weeks, {lo}\u2013{r} hours per week", Decimal(1)),
                ("{n} mois à {r}h par semaine", WEEKS_PER_MONTH),
                ("{n} months at {r} hours a week", WEEKS_PER_MONTH),
                ("Weekly study {r} hours, {n} weeks", Decimal(1)),
            ]
        )
    )
    total = count * weeks * pace
    return template.format(n=count, r=pace, lo=low), total


EFFORTS = st.one_of(
    hours_and_minutes(), decimal_hours(), minutes_only(), training_days(), duration_at_pace()
)


@given(effort=EFFORTS, before=NOISE_BEFORE, after=NOISE_AFTER)
def test_effort_strings_written_from_the_grammar_parse_back_to_their_hours(effort, before, after):
    text, hours = effort
    expected = hours.quantize(TWO_PLACES)
    if not 0 < expected <= MAX_HOURS:
        with pytest.raises(EffortError):
            parse_effort(before + text + after)
        return
    assert parse_effort(before + text + after).hours == expected
