import pytest
from django.core.exceptions import ValidationError

from tracker.progress.durations import format_minutes, parse_duration


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("1h30", 90),
        ("1 h 30", 90),
        ("1h30min", 90),
        ("90", 90),
        ("1,5", 90),
        ("1.5", 90),
        ("45 min", 45),
        ("45min", 45),
        ("2h", 120),
        ("2 H", 120),
        ("1.5h", 90),
        ("24h", 1440),
        (" 3 heures ", 180),
        ("0,25", 15),
        ("1:30", 90),
        ("0:45", 45),
        ("24:00", 1440),
    ],
)
def test_durations_are_read_as_people_type_them(text, minutes):
    assert parse_duration(text) == minutes


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0", "more than zero"),
        ("0h", "more than zero"),
        ("0,0", "more than zero"),
        ("-1", "more than zero"),
        ("-1h", "more than zero"),
        ("NaN", "Enter a duration"),
        ("nan", "Enter a duration"),
        ("inf", "Enter a duration"),
        ("1e309", "Enter a duration"),
        ("", "Enter a duration"),
        ("abc", "Enter a duration"),
        ("1h75", "Enter a duration"),
        ("1:75", "Enter a duration"),
        ("1:5", "Enter a duration"),
        ("25:00", "cannot exceed 24 hours"),
        ("25h", "cannot exceed 24 hours"),
        ("1441", "cannot exceed 24 hours"),
        ("999999", "cannot exceed 24 hours"),
        ("24h01", "cannot exceed 24 hours"),
    ],
)
def test_bad_durations_are_refused_with_a_clear_message(text, message, settings):
    settings.LANGUAGE_CODE = "en"
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        parse_duration(text)
    assert message in excinfo.value.messages[0]


def test_minutes_are_formatted_back():
    assert format_minutes(90) == "1h30"
    assert format_minutes(45) == "45 min"
    assert format_minutes(120) == "2h"
