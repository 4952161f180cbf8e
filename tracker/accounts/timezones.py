"""The time zones people pick from, grouped by region, theirs first.

Which names: `zoneinfo.available_timezones()` holds ~600 names, a third of them aliases
kept only so old data still reads (`US/Eastern`, `Asia/Calcutta`, `Europe/Kiev`, `GB`,
`EST5EDT`, `Etc/GMT+5`, whose sign is the reverse of what people expect). tzdata's own
`zone.tab` is the list it publishes for exactly this job, picking a zone by country: one
current name per region of a country, no backward-compatible link and no `Etc/` zone.
We offer the zones of `zone.tab` that this machine can load, plus `UTC`. A stored alias
stays valid (the model accepts every zone) and is kept in the list for the person who has it.

Python ships no reader for zone.tab (zoneinfo only loads zones), hence the few lines
below; the file comes with the `tzdata` package, else from the system's zoneinfo.
"""

from __future__ import annotations

import functools
import zoneinfo
from collections import defaultdict
from importlib import resources
from pathlib import Path

from django.utils.translation import gettext_lazy as _
from django.utils.translation.trans_real import parse_accept_lang_header

UTC = "UTC"


def _zone_tab_text() -> str:
    try:
        return resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text()
    except (ModuleNotFoundError, FileNotFoundError):
        for directory in zoneinfo.TZPATH:
            path = Path(directory) / "zone.tab"
            if path.exists():
                return path.read_text()
    return ""


@functools.cache
def zones_by_country() -> dict[str, list[str]]:
    """ISO 3166 country code -> its zones, from zone.tab (country, coordinates, zone)."""
    available = zoneinfo.available_timezones()
    countries: dict[str, list[str]] = defaultdict(list)
    for line in _zone_tab_text().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        country, _coordinates, zone, *_comment = line.split("\t")
        if zone in available:
            countries[country].append(zone)
    return dict(countries)


@functools.cache
def offered_zones() -> frozenset[str]:
    return frozenset(z for zones in zones_by_country().values() for z in zones) | {UTC}


REGIONS = {
    "Africa": _("Africa"),
    "America": _("America"),
    "Antarctica": _("Antarctica"),
    "Arctic": _("Arctic"),
    "Asia": _("Asia"),
    "Atlantic": _("Atlantic Ocean"),
    "Australia": _("Australia"),
    "Europe": _("Europe"),
    "Indian": _("Indian Ocean"),
    "Pacific": _("Pacific Ocean"),
}


def _label(zone: str) -> str:
    """`America/Argentina/Buenos_Aires` -> `Argentina / Buenos Aires` (under America)."""
    return " / ".join(zone.split("/")[1:]).replace("_", " ") or zone


def countries_from_accept_language(header: str) -> list[str]:
    """The region subtags of an Accept-Language header, best first: `fr-CA,fr;q=0.8`
    -> ["CA"]. A bare language says nothing about where the person is."""
    countries = []
    for tag, _quality in parse_accept_lang_header(header or ""):
        parts = tag.replace("_", "-").split("-")
        if len(parts) > 1 and len(parts[-1]) == 2 and parts[-1].isalpha():
            code = parts[-1].upper()
            if code not in countries:
                countries.append(code)
    return countries


def timezone_choices_for(*, accept_language: str = "", current: str = "") -> list:
    """Grouped choices for a <select>: "Suggested" (the current zone, the zones of the
    countries the browser's languages name) first, then each region in alphabetical
    order, UTC last. static/js/detect-timezone.js adds the browser's own zone to the
    suggestions."""
    suggested = []
    if current:
        suggested.append(current)
    for country in countries_from_accept_language(accept_language):
        suggested += [z for z in zones_by_country().get(country, []) if z not in suggested]
    regions: dict[str, list[str]] = defaultdict(list)
    for zone in sorted(offered_zones() - {UTC}):
        regions[zone.split("/")[0]].append(zone)
    # Always first, even empty: the browser's zone goes in it (detect-timezone.js).
    groups: list = [(_("Suggested"), [(z, z.replace("_", " ")) for z in suggested])]
    groups += [
        (REGIONS.get(region, region), [(z, _label(z)) for z in zones])
        for region, zones in regions.items()
    ]
    groups.append((_("Other"), [(UTC, UTC)]))
    return groups


def is_offered(zone: str, *, current: str = "") -> bool:
    return zone in offered_zones() or (bool(current) and zone == current)
