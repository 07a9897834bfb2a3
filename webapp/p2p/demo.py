# ruff: noqa: E501 - the demo texts are data, one sentence per line
"""Demo data for the board: a few hundred listings in four languages, bookings and reviews.

Deterministic (one seed, no clock: dates are fixed days) and idempotent: listings go through the
real importer (``external_id`` "demo-l-0001"), so a second run changes nothing; bookings and
reviews are only added to demo listings that have none yet. Owners and borrowers are the demo
members (``flask demo load`` makes them first); their cards give the places.
"""

from __future__ import annotations

import random
from datetime import date, time, timedelta
from typing import Any

from sqlalchemy import func, select

from webapp.extensions import db

DEFAULT_LISTINGS = 300
#: The demo's bookings happen around here (fixed, so the data set never depends on the day).
ANCHOR = date(2027, 3, 1)

#: (kind, type, sectors, {lang: (title, description)}).
THINGS: list[tuple[str, str, list[str], dict[str, tuple[str, str]]]] = [
    (
        "equipment",
        "offer",
        ["music", "events_technical"],
        {
            "nl": (
                "PA-installatie te leen",
                "Twee actieve boxen van 12 inch, een mengtafel met acht kanalen en kabels. Ideaal voor een akoestisch concert of een toespraak.",
            ),
            "fr": (
                "Sono à prêter",
                "Deux enceintes actives 12 pouces, une table de mixage huit canaux et les câbles. Parfait pour un concert acoustique ou une conférence.",
            ),
            "de": (
                "PA-Anlage zu verleihen",
                "Zwei aktive 12-Zoll-Boxen, ein Achtkanal-Mischpult und Kabel. Ideal für ein Akustikkonzert oder eine Rede.",
            ),
            "en": (
                "PA system to lend",
                "Two active 12-inch speakers, an eight-channel mixer and cables. Fine for an acoustic gig or a talk.",
            ),
        },
    ),
    (
        "equipment",
        "offer",
        ["photography", "film_audiovisual"],
        {
            "nl": (
                "Camerabody en twee lenzen",
                "Een spiegelreflexcamera met een 24-70 mm en een 50 mm lens, twee batterijen en een lader.",
            ),
            "fr": (
                "Boîtier photo et deux objectifs",
                "Un reflex avec un 24-70 mm et un 50 mm, deux batteries et un chargeur.",
            ),
            "de": (
                "Kameragehäuse mit zwei Objektiven",
                "Eine Spiegelreflexkamera mit 24-70 mm und 50 mm, zwei Akkus und Ladegerät.",
            ),
            "en": (
                "Camera body and two lenses",
                "A DSLR with a 24-70 mm and a 50 mm lens, two batteries and a charger.",
            ),
        },
    ),
    (
        "equipment",
        "offer",
        ["fashion_textiles", "crafts"],
        {
            "nl": (
                "Naaimachine te leen",
                "Een degelijke naaimachine met overlockfunctie, goed voor kostuums en kleine reparaties.",
            ),
            "fr": (
                "Machine à coudre à prêter",
                "Une machine à coudre robuste avec surjeteuse, idéale pour des costumes et des retouches.",
            ),
            "de": (
                "Nähmaschine zu verleihen",
                "Eine solide Nähmaschine mit Overlock-Funktion, gut für Kostüme und kleine Reparaturen.",
            ),
            "en": (
                "Sewing machine to lend",
                "A sturdy sewing machine with an overlock stitch, good for costumes and small repairs.",
            ),
        },
    ),
    (
        "equipment",
        "offer",
        ["transport_delivery", "events_technical"],
        {
            "nl": (
                "Bestelwagen voor een dag",
                "Een kleine bestelwagen om materiaal naar een optreden of beurs te brengen. Rijbewijs B volstaat.",
            ),
            "fr": (
                "Camionnette pour une journée",
                "Une petite camionnette pour transporter du matériel vers un spectacle ou un salon. Permis B suffisant.",
            ),
            "de": (
                "Transporter für einen Tag",
                "Ein kleiner Transporter, um Material zu einem Auftritt oder einer Messe zu bringen. Führerschein B genügt.",
            ),
            "en": (
                "Van for a day",
                "A small van to bring gear to a gig or a fair. A normal driving licence will do.",
            ),
        },
    ),
    (
        "equipment",
        "offer",
        ["events_technical", "performing_arts"],
        {
            "nl": (
                "Lichtset met vier spots",
                "Vier ledspots op statief met een kleine DMX-controller voor theater of fotoshoot.",
            ),
            "fr": (
                "Kit d'éclairage quatre projecteurs",
                "Quatre projecteurs LED sur pied et un petit contrôleur DMX pour le théâtre ou un shooting.",
            ),
            "de": (
                "Lichtset mit vier Scheinwerfern",
                "Vier LED-Scheinwerfer auf Stativ mit kleinem DMX-Controller für Theater oder Fotoshooting.",
            ),
            "en": (
                "Lighting kit with four spots",
                "Four LED spots on stands with a small DMX controller, for theatre or a photo shoot.",
            ),
        },
    ),
    (
        "equipment",
        "offer",
        ["building_renovation", "crafts"],
        {
            "nl": (
                "Klopboormachine en schuurmachine",
                "Gereedschap voor een klus in je atelier: klopboor, excentrische schuurmachine en boren.",
            ),
            "fr": (
                "Perceuse à percussion et ponceuse",
                "De l'outillage pour un chantier dans votre atelier : perceuse, ponceuse excentrique et mèches.",
            ),
            "de": (
                "Schlagbohrmaschine und Schleifer",
                "Werkzeug für Arbeiten im Atelier: Schlagbohrer, Exzenterschleifer und Bohrer.",
            ),
            "en": (
                "Hammer drill and sander",
                "Tools for a job in your studio: hammer drill, random orbit sander and bits.",
            ),
        },
    ),
    (
        "equipment",
        "offer",
        ["film_audiovisual", "journalism_media"],
        {
            "nl": (
                "Beamer en projectiescherm",
                "Een heldere beamer (full hd) met een opvouwbaar scherm van twee meter.",
            ),
            "fr": (
                "Vidéoprojecteur et écran",
                "Un vidéoprojecteur lumineux full HD avec un écran pliable de deux mètres.",
            ),
            "de": (
                "Beamer und Leinwand",
                "Ein heller Full-HD-Beamer mit einer faltbaren Leinwand von zwei Metern.",
            ),
            "en": ("Projector and screen", "A bright full HD projector with a two-metre folding screen."),
        },
    ),
    (
        "equipment",
        "request",
        ["music", "events_technical"],
        {
            "nl": (
                "Gezocht: microfoons voor een koor",
                "Voor een concert in de kerk zoek ik vier condensatormicrofoons en statieven.",
            ),
            "fr": (
                "Recherche : micros pour une chorale",
                "Pour un concert dans une église, je cherche quatre micros à condensateur et leurs pieds.",
            ),
            "de": (
                "Gesucht: Mikrofone für einen Chor",
                "Für ein Konzert in der Kirche suche ich vier Kondensatormikrofone mit Stativen.",
            ),
            "en": (
                "Wanted: microphones for a choir",
                "For a concert in a church I need four condenser microphones and stands.",
            ),
        },
    ),
    (
        "equipment",
        "request",
        ["photography"],
        {
            "nl": (
                "Gezocht: studioflitsers voor een weekend",
                "Voor een portretreeks zoek ik twee studioflitsers met softboxen.",
            ),
            "fr": (
                "Recherche : flashs de studio pour un week-end",
                "Pour une série de portraits, je cherche deux flashs de studio avec boîtes à lumière.",
            ),
            "de": (
                "Gesucht: Studioblitze für ein Wochenende",
                "Für eine Porträtserie suche ich zwei Studioblitze mit Softboxen.",
            ),
            "en": (
                "Wanted: studio flashes for a weekend",
                "For a portrait series I am looking for two studio flashes with softboxes.",
            ),
        },
    ),
    (
        "workspace",
        "offer",
        ["music", "performing_arts"],
        {
            "nl": (
                "Repetitieruimte met piano",
                "Geluidsdichte repetitieruimte met piano en drumstel, 's avonds en in het weekend vrij.",
            ),
            "fr": (
                "Local de répétition avec piano",
                "Local insonorisé avec piano et batterie, libre le soir et le week-end.",
            ),
            "de": (
                "Proberaum mit Klavier",
                "Schallgedämmter Proberaum mit Klavier und Schlagzeug, abends und am Wochenende frei.",
            ),
            "en": (
                "Rehearsal room with piano",
                "A soundproof rehearsal room with a piano and a drum kit, free evenings and weekends.",
            ),
        },
    ),
    (
        "workspace",
        "offer",
        ["design_graphics", "it_web", "communication_marketing"],
        {
            "nl": (
                "Bureau vrij in een gedeelde studio",
                "Een vaste werkplek met snel internet, koffie en een vergaderruimte, in een studio met drie ontwerpers.",
            ),
            "fr": (
                "Bureau libre dans un studio partagé",
                "Un poste fixe avec internet rapide, café et salle de réunion, dans un studio de trois graphistes.",
            ),
            "de": (
                "Schreibtisch frei in einem Gemeinschaftsstudio",
                "Ein fester Arbeitsplatz mit schnellem Internet, Kaffee und Besprechungsraum in einem Studio mit drei Gestaltern.",
            ),
            "en": (
                "Desk free in a shared studio",
                "A fixed desk with fast internet, coffee and a meeting room, in a studio with three designers.",
            ),
        },
    ),
    (
        "workspace",
        "offer",
        ["crafts", "visual_arts", "building_renovation"],
        {
            "nl": (
                "Werkbank in een houtatelier",
                "Een werkbank met gebruik van de lintzaag en de schaafbank, op dinsdag en donderdag.",
            ),
            "fr": (
                "Établi dans un atelier bois",
                "Un établi avec accès à la scie à ruban et à la raboteuse, le mardi et le jeudi.",
            ),
            "de": (
                "Werkbank in einer Holzwerkstatt",
                "Eine Werkbank mit Nutzung von Bandsäge und Hobelmaschine, dienstags und donnerstags.",
            ),
            "en": (
                "Workbench in a wood workshop",
                "A workbench with use of the band saw and the planer, on Tuesdays and Thursdays.",
            ),
        },
    ),
    (
        "workspace",
        "offer",
        ["photography", "film_audiovisual"],
        {
            "nl": (
                "Fotostudio per dag te huur tussen leden",
                "Een lichte studio met witte cyclorama, per dag te gebruiken zonder kosten tussen leden.",
            ),
            "fr": (
                "Studio photo à partager à la journée",
                "Un studio lumineux avec cyclo blanc, à utiliser à la journée entre membres.",
            ),
            "de": (
                "Fotostudio tageweise zu teilen",
                "Ein helles Studio mit weißer Hohlkehle, tageweise unter Mitgliedern nutzbar.",
            ),
            "en": (
                "Photo studio to share by the day",
                "A bright studio with a white cyclorama, to use by the day between members.",
            ),
        },
    ),
    (
        "workspace",
        "request",
        ["performing_arts"],
        {
            "nl": (
                "Gezocht: danszaal voor repetities",
                "Ons dansgezelschap zoekt een zaal met een goede vloer, twee avonden per week.",
            ),
            "fr": (
                "Recherche : salle de danse pour répétitions",
                "Notre compagnie cherche une salle avec un bon plancher, deux soirs par semaine.",
            ),
            "de": (
                "Gesucht: Tanzsaal für Proben",
                "Unsere Tanzkompanie sucht einen Saal mit gutem Boden, zwei Abende pro Woche.",
            ),
            "en": (
                "Wanted: dance studio for rehearsals",
                "Our dance company is looking for a studio with a good floor, two evenings a week.",
            ),
        },
    ),
    (
        "mentoring",
        "offer",
        ["design_graphics", "communication_marketing"],
        {
            "nl": (
                "Mentor voor startende grafisch ontwerpers",
                "Twintig jaar ervaring als grafisch ontwerper; ik help je met je portfolio, je prijzen en je eerste klanten.",
            ),
            "fr": (
                "Mentorat pour graphistes débutants",
                "Vingt ans d'expérience comme graphiste ; je vous aide pour votre portfolio, vos tarifs et vos premiers clients.",
            ),
            "de": (
                "Mentoring für Grafikdesigner am Anfang",
                "Zwanzig Jahre Erfahrung als Grafikdesignerin; ich helfe bei Portfolio, Preisen und ersten Kunden.",
            ),
            "en": (
                "Mentoring for starting graphic designers",
                "Twenty years as a graphic designer; I help with your portfolio, your rates and your first clients.",
            ),
        },
    ),
    (
        "mentoring",
        "offer",
        ["music"],
        {
            "nl": (
                "Mentoring voor muzikanten die zelfstandig worden",
                "Hoe stel je een tournee samen, wat vraag je voor een optreden, hoe werk je met een boeker?",
            ),
            "fr": (
                "Mentorat pour musiciens qui se lancent",
                "Comment monter une tournée, que demander pour un concert, comment travailler avec un tourneur ?",
            ),
            "de": (
                "Mentoring für Musiker, die selbstständig werden",
                "Wie plant man eine Tour, was verlangt man für einen Auftritt, wie arbeitet man mit einer Agentur?",
            ),
            "en": (
                "Mentoring for musicians going freelance",
                "How to plan a tour, what to ask for a gig, how to work with a booker.",
            ),
        },
    ),
    (
        "mentoring",
        "offer",
        ["writing_translation", "journalism_media"],
        {
            "nl": (
                "Mentor voor vertalers en tekstschrijvers",
                "Ik begeleid beginnende vertalers: offertes, vertaalgeheugens en omgaan met deadlines.",
            ),
            "fr": (
                "Mentor pour traducteurs et rédacteurs",
                "J'accompagne les traducteurs débutants : devis, mémoires de traduction et délais.",
            ),
            "de": (
                "Mentor für Übersetzer und Texter",
                "Ich begleite Übersetzer am Anfang: Angebote, Translation Memorys und Fristen.",
            ),
            "en": (
                "Mentor for translators and copywriters",
                "I guide starting translators: quotes, translation memories and deadlines.",
            ),
        },
    ),
    (
        "mentoring",
        "request",
        ["it_web"],
        {
            "nl": (
                "Gezocht: mentor voor een startende webontwikkelaar",
                "Ik begin als freelance webontwikkelaar en zoek iemand die me helpt met prijzen en contracten.",
            ),
            "fr": (
                "Recherche : mentor pour développeur web débutant",
                "Je démarre comme développeur web indépendant et cherche de l'aide pour les tarifs et les contrats.",
            ),
            "de": (
                "Gesucht: Mentor für einen Webentwickler am Anfang",
                "Ich starte als freier Webentwickler und suche Hilfe bei Preisen und Verträgen.",
            ),
            "en": (
                "Wanted: mentor for a starting web developer",
                "I am starting as a freelance web developer and need help with rates and contracts.",
            ),
        },
    ),
    (
        "coaching",
        "offer",
        ["consulting_training", "health_wellbeing"],
        {
            "nl": (
                "Coaching bij stress en werkdruk",
                "Vijf gesprekken om je werk als zelfstandige haalbaar te houden, in het Nederlands of Engels.",
            ),
            "fr": (
                "Coaching contre le stress et la surcharge",
                "Cinq séances pour garder un rythme tenable comme indépendant, en français ou en anglais.",
            ),
            "de": (
                "Coaching bei Stress und Arbeitsdruck",
                "Fünf Gespräche, damit die Selbstständigkeit machbar bleibt, auf Deutsch oder Englisch.",
            ),
            "en": (
                "Coaching for stress and workload",
                "Five sessions to keep your freelance work sustainable.",
            ),
        },
    ),
    (
        "coaching",
        "offer",
        ["communication_marketing", "business_services"],
        {
            "nl": (
                "Coaching: je eerste offerte en pitch",
                "Samen bereiden we een pitch voor en schrijven we een duidelijke offerte.",
            ),
            "fr": (
                "Coaching : votre premier devis et pitch",
                "Ensemble, nous préparons un pitch et rédigeons un devis clair.",
            ),
            "de": (
                "Coaching: Ihr erstes Angebot und Pitch",
                "Gemeinsam bereiten wir einen Pitch vor und schreiben ein klares Angebot.",
            ),
            "en": (
                "Coaching: your first quote and pitch",
                "Together we prepare a pitch and write a clear quote.",
            ),
        },
    ),
    (
        "coaching",
        "request",
        ["performing_arts"],
        {
            "nl": (
                "Gezocht: stemcoach voor een voorstelling",
                "Voor een monoloog zoek ik een stemcoach voor een paar sessies.",
            ),
            "fr": (
                "Recherche : coach vocal pour un spectacle",
                "Pour un monologue, je cherche un coach vocal pour quelques séances.",
            ),
            "de": (
                "Gesucht: Stimmcoach für eine Aufführung",
                "Für einen Monolog suche ich einen Stimmcoach für einige Sitzungen.",
            ),
            "en": (
                "Wanted: voice coach for a performance",
                "For a monologue I am looking for a voice coach for a few sessions.",
            ),
        },
    ),
    (
        "service",
        "offer",
        ["it_web"],
        {
            "nl": (
                "Hulp bij je website en hosting",
                "Ik kijk je website na, zet een back-up op en leg uit hoe je hem zelf bijwerkt.",
            ),
            "fr": (
                "Aide pour votre site web et l'hébergement",
                "Je vérifie votre site, mets en place une sauvegarde et vous explique les mises à jour.",
            ),
            "de": (
                "Hilfe bei Website und Hosting",
                "Ich prüfe Ihre Website, richte ein Backup ein und erkläre die Pflege.",
            ),
            "en": (
                "Help with your website and hosting",
                "I check your site, set up a backup and show you how to keep it up to date.",
            ),
        },
    ),
    (
        "service",
        "offer",
        ["writing_translation"],
        {
            "nl": (
                "Nalezen van teksten in het Frans",
                "Ik lees je teksten, offertes of subsidieaanvragen in het Frans na.",
            ),
            "fr": (
                "Relecture de textes en néerlandais",
                "Je relis vos textes, devis ou demandes de subsides en néerlandais.",
            ),
            "de": (
                "Korrekturlesen deutscher Texte",
                "Ich lese Ihre Texte, Angebote oder Förderanträge auf Deutsch gegen.",
            ),
            "en": (
                "Proofreading English texts",
                "I proofread your texts, quotes or grant applications in English.",
            ),
        },
    ),
    (
        "service",
        "request",
        ["business_services"],
        {
            "nl": (
                "Gezocht: hulp bij mijn boekhouding",
                "Wie legt me uit hoe ik mijn onkosten en facturen goed bijhoud?",
            ),
            "fr": (
                "Recherche : aide pour ma comptabilité",
                "Qui peut m'expliquer comment bien tenir mes frais et mes factures ?",
            ),
            "de": (
                "Gesucht: Hilfe bei meiner Buchhaltung",
                "Wer erklärt mir, wie ich Ausgaben und Rechnungen richtig führe?",
            ),
            "en": (
                "Wanted: help with my bookkeeping",
                "Who can show me how to keep my expenses and invoices in order?",
            ),
        },
    ),
]
LANGS = ("nl", "fr", "de", "en")
REVIEW_TEXTS = {
    "nl": ["Alles verliep vlot, een aanrader.", "Netjes teruggebracht, dank je!", "Heel behulpzaam."],
    "fr": ["Tout s'est très bien passé.", "Rendu en parfait état, merci !", "Très serviable."],
    "de": ["Alles lief reibungslos.", "Ordentlich zurückgegeben, danke!", "Sehr hilfsbereit."],
    "en": ["Everything went smoothly.", "Returned in perfect shape, thanks!", "Very helpful."],
}


def _members() -> list[Any]:
    from webapp.directory.models import MemberProfile

    return list(
        db.session.scalars(
            select(MemberProfile)
            .where(MemberProfile.external_id.like("demo-m-%"), MemberProfile.user_id.is_not(None))
            .order_by(MemberProfile.external_id)
        )
    )


def listing_records(members: list[Any], count: int, seed: int) -> list[dict[str, Any]]:
    """The import lines of the demo listings (the same for the same members, count and seed)."""
    rng = random.Random(f"p2p-demo-{seed}")
    records = []
    for n in range(count):
        kind, type_, sectors, texts = THINGS[n % len(THINGS)]
        owner = members[rng.randrange(len(members))]
        lang = (
            owner.card_language if owner.card_language in LANGS and rng.random() < 0.7 else rng.choice(LANGS)
        )
        title, description = texts[lang]
        start = ANCHOR + timedelta(days=rng.randrange(-60, 60))
        dated = rng.random() < 0.6
        records.append(
            {
                "external_id": f"demo-l-{n + 1:04d}",
                "owner": owner.external_id,
                "type": type_,
                "kind": kind,
                "title": title,
                "description": description,
                "sectors": sectors,
                "place": owner.place_name,
                "country": owner.country,
                "language": lang,
                "available_from": start.isoformat() if dated else None,
                "available_to": (start + timedelta(days=rng.randrange(60, 240))).isoformat()
                if dated
                else None,
                "status": rng.choices(("active", "paused", "closed", "draft"), (85, 6, 5, 4))[0],
                "visibility": "public" if rng.random() < 0.6 else "community",
            }
        )
        if type_ == "offer" and kind in ("mentoring", "coaching", "workspace"):
            slots = _demo_slots(kind, random.Random(f"p2p-demo-slots-{seed}-{n}"))
            if slots:
                records[-1]["slots"] = slots
    return records


#: Weekly slots the demo's mentors, coaches and studios keep (weekday, from, until).
DEMO_SLOTS = {
    "mentoring": [
        [(1, "14:00", "18:00")],
        [(3, "09:00", "12:00"), (3, "13:00", "17:00")],
        [(4, "16:00", "19:00")],
    ],
    "coaching": [[(0, "18:00", "21:00")], [("0-4", "12:00", "14:00")], [(2, "09:00", "12:00")]],
    "workspace": [[("0-4", "09:00", "17:00")], [(5, "10:00", "18:00")]],
}


def _demo_slots(kind: str, rng: random.Random) -> list[dict[str, Any]]:
    """Every mentoring and coaching offer has slots; half the workspaces (the rest go by the day)."""
    if kind == "workspace" and rng.random() < 0.5:
        return []
    choice = rng.choice(DEMO_SLOTS[kind])
    return [{"weekday": d, "from": a, "to": b} for d, a, b in choice]


def _bookings(listings: list[Any], members: list[Any], seed: int) -> tuple[int, int]:
    """Bookings (some accepted, some returned with reviews) for demo offers without any yet."""
    from webapp.p2p.models import Booking, Review
    from webapp.p2p.service import is_timed, local_instant, whole_days

    made = reviews = 0
    for listing in listings:
        # One generator per listing: the same listing always gets the same bookings, whatever ran before.
        rng = random.Random(f"p2p-demo-bookings-{seed}-{listing.external_id}")
        if listing.type != "offer" or rng.random() > 0.35:
            continue
        if db.session.scalar(select(func.count()).where(Booking.listing_id == listing.id)):
            continue
        day = ANCHOR + timedelta(days=rng.randrange(-40, 40))
        timed = is_timed(listing)
        for status in rng.sample(["returned", "accepted", "requested", "declined"], k=rng.randrange(1, 4)):
            borrower = members[rng.randrange(len(members))]
            if borrower.user_id == listing.user_id:
                continue
            length = rng.randrange(1, 5)
            starts_at, ends_at = whole_days(day, day + timedelta(days=length - 1))
            if timed:  # a one-hour session at the start of a slot, on one of the slot's days
                slot = listing.slots[rng.randrange(len(listing.slots))] if listing.slots else None
                if slot is not None:
                    day += timedelta(days=(slot.weekday - day.weekday()) % 7)
                start = slot.starts_at if slot is not None else time(10)
                starts_at = local_instant(day, start)
                ends_at = starts_at + timedelta(hours=1)
                length = 1
            booking = Booking(
                listing_id=listing.id,
                listing_title=listing.title,
                owner_id=listing.user_id,
                borrower_id=borrower.user_id,
                starts_on=day,
                ends_on=day + timedelta(days=length - 1),
                starts_at=starts_at,
                ends_at=ends_at,
                timed=timed,
                status=status,
                pickup_reminded=True,
                return_reminded=True,
            )
            db.session.add(booking)
            db.session.flush()
            made += 1
            if status == "returned":
                for role, author, subject in (
                    ("borrower", borrower.user_id, listing.user_id),
                    ("owner", listing.user_id, borrower.user_id),
                ):
                    lang = listing.language or "en"
                    db.session.add(
                        Review(
                            booking_id=booking.id,
                            role=role,
                            author_id=author,
                            subject_id=subject,
                            listing_id=listing.id,
                            rating=rng.choice((4, 5, 5, 5, 3)),
                            text=rng.choice(REVIEW_TEXTS[lang]),
                        )
                    )
                    reviews += 1
            day += timedelta(days=length + rng.randrange(1, 10))
    return made, reviews


def load_board_demo(seed: int = 1, count: int = DEFAULT_LISTINGS) -> str:
    """Create (or bring up to date) the demo listings, then their bookings and reviews; commits."""
    import io
    import json

    from webapp.p2p.importer import import_records
    from webapp.p2p.models import Listing

    members = _members()
    if len(members) < 2:
        return "board demo: skipped (no demo members with accounts)"
    records = listing_records(members, count, seed)
    report = import_records(io.StringIO("\n".join(json.dumps(r) for r in records) + "\n"))
    listings = list(
        db.session.scalars(select(Listing).where(Listing.external_id.like("demo-l-%")).order_by(Listing.id))
    )
    bookings, reviews = _bookings(listings, members, seed)
    from webapp.core.search import queue_index
    from webapp.p2p.documents import listing_ids

    if bookings:
        for listing_id in listing_ids():
            queue_index("listing", listing_id)  # their blocked days changed
    db.session.commit()
    return f"board demo: {count} listings ({report.summary()}), {bookings} bookings, {reviews} reviews"
