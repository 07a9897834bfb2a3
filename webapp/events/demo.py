"""Demo sector groups and a year of events in several cities and languages, through the real import.

Deterministic for a seed: the same groups and events every time, dated from the first Monday of
the month the demo is loaded in (so the calendar always has a year ahead of it). Records are keyed
on ``external_id`` ("demo-ev-0042"), so loading again changes nothing within a month.
"""

from __future__ import annotations

import json
import random
from datetime import date, datetime, timedelta
from typing import Any, Iterator

#: (external id, name, sector, city, country, language of the region)
GROUPS = (
    ("demo-g-sound-bru", "Sound & light technicians Brussels", "events_technical", "Brussels", "BE", "en"),
    ("demo-g-illu-vl", "Illustratoren Vlaanderen", "visual_arts", "Gent", "BE", "nl"),
    ("demo-g-photo-ant", "Fotografen Antwerpen", "photography", "Antwerpen", "BE", "nl"),
    ("demo-g-illu-lg", "Illustrateurs et illustratrices de Liège", "visual_arts", "Liège", "BE", "fr"),
    ("demo-g-web-nam", "Développeurs web Namur", "it_web", "Namur", "BE", "fr"),
    ("demo-g-ton-eup", "Tontechniker Ostbelgien", "events_technical", "Eupen", "BE", "de"),
    ("demo-g-film-bru", "Film & audiovisueel Brussel", "film_audiovisual", "Brussels", "BE", "nl"),
    ("demo-g-music-lvn", "Muzikanten Leuven", "music", "Leuven", "BE", "nl"),
    ("demo-g-theatre-cha", "Arts de la scène Charleroi", "performing_arts", "Charleroi", "BE", "fr"),
    ("demo-g-writers-ams", "Translators & writers Amsterdam", "writing_translation", "Amsterdam", "NL", "en"),
    ("demo-g-design-lux", "Designers Luxembourg", "design_graphics", "Luxembourg", "LU", "fr"),
    ("demo-g-aachen", "Kreative Aachen", "design_graphics", "Aachen", "DE", "de"),
)

#: Trade words per sector and language, for titles.
TRADES: dict[str, dict[str, str]] = {
    "events_technical": {
        "nl": "geluids- en lichttechnici",
        "fr": "techniciens son et lumière",
        "de": "Tontechniker",
        "en": "sound & light technicians",
    },
    "visual_arts": {
        "nl": "illustratoren",
        "fr": "illustrateurs",
        "de": "Illustratoren",
        "en": "illustrators",
    },
    "photography": {"nl": "fotografen", "fr": "photographes", "de": "Fotografen", "en": "photographers"},
    "it_web": {
        "nl": "webontwikkelaars",
        "fr": "développeurs web",
        "de": "Webentwickler",
        "en": "web developers",
    },
    "film_audiovisual": {"nl": "filmmakers", "fr": "vidéastes", "de": "Filmschaffende", "en": "filmmakers"},
    "music": {"nl": "muzikanten", "fr": "musiciens", "de": "Musiker", "en": "musicians"},
    "performing_arts": {
        "nl": "podiumkunstenaars",
        "fr": "artistes de la scène",
        "de": "Bühnenkünstler",
        "en": "performers",
    },
    "writing_translation": {
        "nl": "vertalers en schrijvers",
        "fr": "traducteurs et auteurs",
        "de": "Übersetzer und Autoren",
        "en": "translators and writers",
    },
    "design_graphics": {
        "nl": "grafisch ontwerpers",
        "fr": "graphistes",
        "de": "Grafikdesigner",
        "en": "graphic designers",
    },
}

#: Title patterns per category and language ({trade}, {city}).
TITLES: dict[str, dict[str, str]] = {
    "networking": {
        "nl": "Netwerkavond {trade} {city}",
        "fr": "Soirée réseau des {trade} à {city}",
        "de": "Netzwerkabend der {trade} in {city}",
        "en": "Networking evening for {trade}, {city}",
    },
    "sector_meetup": {
        "nl": "Meetup {trade} {city}",
        "fr": "Rencontre des {trade} à {city}",
        "de": "Treffen der {trade} in {city}",
        "en": "{trade} meetup {city}",
    },
    "info_session": {
        "nl": "Infosessie: zelfstandig werken als {trade}",
        "fr": "Séance d'info : {trade} indépendants",
        "de": "Infoabend: selbstständig als {trade}",
        "en": "Info session: freelancing as {trade}",
    },
    "workshop": {
        "nl": "Workshop offertes en tarieven voor {trade}",
        "fr": "Atelier devis et tarifs pour {trade}",
        "de": "Workshop Angebote und Preise für {trade}",
        "en": "Workshop: quotes and rates for {trade}",
    },
    "cooperative_meeting": {
        "nl": "Ledenvergadering regio {city}",
        "fr": "Assemblée des membres, région de {city}",
        "de": "Mitgliederversammlung Region {city}",
        "en": "Members' meeting, {city} region",
    },
    "festival": {
        "nl": "Kring op het festival in {city}",
        "fr": "Kring au festival de {city}",
        "de": "Kring auf dem Festival in {city}",
        "en": "Kring at the festival in {city}",
    },
}

DESCRIPTIONS = {
    "nl": "Kom kennismaken met collega's, deel opdrachten en ervaringen. Drankje van de coöperatie.",
    "fr": "Venez rencontrer des collègues, partager missions et expériences. Un verre offert.",
    "de": "Lernen Sie Kolleginnen und Kollegen kennen und tauschen Sie Aufträge und Erfahrungen aus.",
    "en": "Meet colleagues, share assignments and experience. Drinks offered by the cooperative.",
}
VENUES = (
    "Coöperatiehuis",
    "Maison de la coopérative",
    "Kulturzentrum",
    "Studio 3",
    "Café De Kring",
    "Atelier 12",
)
CITY_NAMES = {
    "Brussels": {"nl": "Brussel", "fr": "Bruxelles", "de": "Brüssel", "en": "Brussels"},
    "Antwerpen": {"fr": "Anvers", "en": "Antwerp"},
    "Liège": {"nl": "Luik", "de": "Lüttich"},
    "Gent": {"fr": "Gand", "en": "Ghent"},
}


def _city(city: str, lang: str) -> str:
    return CITY_NAMES.get(city, {}).get(lang, city)


def _anchor(today: date | None = None) -> date:
    today = today or date.today()
    first = today.replace(day=1)
    return first + timedelta(days=(7 - first.weekday()) % 7)


def iter_demo_records(seed: int = 1, count: int = 160, today: date | None = None) -> Iterator[dict[str, Any]]:
    """Groups first, then ``count`` events over a year, as import lines."""
    rng = random.Random(seed)
    for ext, name, sector, city, country, _lang in GROUPS:
        yield {
            "type": "group",
            "external_id": ext,
            "name": name,
            "sectors": [sector],
            "place": city,
            "country": country,
            "visibility": "public",
            "description": f"{name}: meetups, workshops and an informal network.",
        }
    anchor = _anchor(today)
    categories = (
        "networking",
        "sector_meetup",
        "sector_meetup",
        "info_session",
        "workshop",
        "cooperative_meeting",
        "festival",
    )
    for n in range(count):
        ext, name, sector, city, country, region_lang = GROUPS[n % len(GROUPS)]
        category = categories[rng.randrange(len(categories))]
        day = anchor + timedelta(days=rng.randrange(0, 365))
        hour = 8 if category == "info_session" and rng.random() < 0.3 else rng.choice((18, 19, 19, 20))
        start = datetime.combine(day, datetime.min.time()).replace(hour=hour, minute=rng.choice((0, 30)))
        end = start + timedelta(hours=rng.choice((2, 2.5, 3)))
        langs = [region_lang]
        if city == "Brussels" and rng.random() < 0.6:
            langs = ["nl", "fr"] if region_lang != "fr" else ["fr", "nl"]
        elif rng.random() < 0.15:
            langs = [region_lang, "en"] if region_lang != "en" else ["en"]
        titles = {}
        descriptions = {}
        for lang in dict.fromkeys(langs):
            titles[lang] = TITLES[category][lang].format(trade=TRADES[sector][lang], city=_city(city, lang))
            titles[lang] = titles[lang][0].upper() + titles[lang][1:]
            descriptions[lang] = DESCRIPTIONS[lang]
        record: dict[str, Any] = {
            "external_id": f"demo-ev-{n:04d}",
            "title": titles,
            "description": descriptions,
            "category": category,
            "languages": list(dict.fromkeys(langs)),
            "sectors": [sector],
            "start": start.strftime("%Y-%m-%dT%H:%M"),
            "end": end.strftime("%Y-%m-%dT%H:%M"),
            "timezone": "Europe/Luxembourg"
            if country == "LU"
            else (
                "Europe/Amsterdam"
                if country == "NL"
                else ("Europe/Berlin" if country == "DE" else "Europe/Brussels")
            ),
            "venue": f"{rng.choice(VENUES)}, {_city(city, region_lang)}",
            "place": city,
            "country": country,
            "online_url": "https://meet.example.org/kring-" + str(n) if rng.random() < 0.1 else None,
            "capacity": rng.choice((None, 20, 30, 40, 60)),
            "status": "draft" if rng.random() < 0.05 else "published",
            "visibility": "community" if rng.random() < 0.2 else "public",
            "group": ext,
        }
        if n % 23 == 0:  # a monthly series on the first Thursday, one date skipped
            first_thursday = day.replace(day=1) + timedelta(days=(3 - day.replace(day=1).weekday()) % 7)
            record["start"] = f"{first_thursday:%Y-%m-%d}T19:00"
            record["end"] = f"{first_thursday:%Y-%m-%d}T21:30"
            record["rrule"] = "FREQ=MONTHLY;BYDAY=1TH;COUNT=10"
            third = (first_thursday.replace(day=1) + timedelta(days=62)).replace(day=1)
            third += timedelta(days=(3 - third.weekday()) % 7)
            record["exdates"] = [f"{third:%Y-%m-%d}T19:00"]
        yield record


def load_demo_events(seed: int = 1) -> str:
    """Import the demo groups and events (idempotent); a one-line summary."""
    from webapp.events.importer import import_lines

    report = import_lines(json.dumps(r) for r in iter_demo_records(seed))
    summary = f"demo events: {report.created} created, {report.updated} updated, {report.unchanged} unchanged"
    if report.errors:
        summary += f"; first problem: line {report.errors[0][0]}: {report.errors[0][1]}"
    return summary


__all__ = ["iter_demo_records", "load_demo_events"]
