"""English dates that no reader can take for another: "1 Dec 2026", never "12/01/2026"
(Django's English short format is the US month/day/year, which a European reads as 12
January). Day, month name, year: the order the French UI uses too."""

DATE_FORMAT = "j F Y"  # 1 December 2026
SHORT_DATE_FORMAT = "j M Y"  # 1 Dec 2026
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
TIME_FORMAT = "H:i"
