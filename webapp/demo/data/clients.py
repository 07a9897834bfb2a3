"""Organisations that hire freelancers: kinds, names, descriptions, per card language.

Name patterns use {word} (an invented name in the card language), {town} (the place as the
card language writes it) and {surname}. Description sentences may use {town}, {year}, {size},
{t1} {t2} (trades they hire, with an indefinite article, nominative: "a photographer",
"een fotograaf", "une graphiste", "ein Tontechniker"), {eword} (an English word, for start-ups).
"""

# ruff: noqa: E501  (sentences are data: one per line reads better than split strings)

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ClientKind:
    key: str
    weight: float
    #: Sector codes (or names in any language, resolved through the taxonomy); unknown ones are skipped.
    sectors: tuple[str, ...]
    #: Trade keys (see trades.py) this kind of organisation hires.
    hires: tuple[str, ...]
    names: dict[str, tuple[str, ...]]
    about: dict[str, tuple[str, ...]]


WORDS: dict[str, tuple[str, ...]] = {
    "en": (
        "Northlight",
        "Bluebird",
        "Foundry",
        "Harbour",
        "Lantern",
        "Tidewater",
        "Copperleaf",
        "Wildfield",
        "Kite",
        "Orbit",
        "Meadow",
        "Ember",
        "Riverside",
        "Lighthouse",
        "Paperboat",
        "Fox & Crane",
        "Saltmarsh",
        "Greenway",
    ),
    "nl": (
        "De Vonk",
        "Het Zuiderlicht",
        "De Nachtegaal",
        "Het Veerhuis",
        "De Kaai",
        "Het Pakhuis",
        "De Spiegelzaal",
        "Zwarte Vos",
        "Blauwe Maan",
        "De Werf",
        "Het Lichtpunt",
        "De Koepel",
        "De Vuurtoren",
        "De Steiger",
        "Het Molenhuis",
        "De Parel",
        "Het Anker",
        "De Zeef",
        "Kwartier West",
        "De Linde",
    ),
    "fr": (
        "Les Lucioles",
        "La Fabrique",
        "Le Grenier",
        "La Passerelle",
        "L'Étincelle",
        "Le Sablier",
        "La Boussole",
        "Le Vivier",
        "La Roseraie",
        "L'Atelier Bleu",
        "Le Phare",
        "La Marelle",
        "Le Cerf-Volant",
        "Les Hirondelles",
        "La Charnière",
        "Le Moulin",
        "La Verrière",
        "Le Fil d'Or",
    ),
    "de": (
        "Lindenhof",
        "Alte Weberei",
        "Sternwarte",
        "Mühlenhaus",
        "Funkenflug",
        "Brückenwerk",
        "Kranich",
        "Weitblick",
        "Kesselhaus",
        "Lichtblick",
        "Nordlicht",
        "Eulenspiegel",
        "Kornspeicher",
        "Wasserturm",
        "Blauer Hof",
        "Rabenfeder",
    ),
}

KINDS: tuple[ClientKind, ...] = (
    ClientKind(
        "theatre",
        1.4,
        ("performing_arts", "performing arts"),
        (
            "sound_engineer",
            "lighting_technician",
            "set_builder",
            "costume_designer",
            "actor",
            "stage_manager",
            "graphic_designer",
            "photographer",
        ),
        {
            "en": ("{word} Theatre", "{town} Playhouse", "{word} Theatre Company"),
            "nl": ("Theater {word}", "Toneelhuis {word}", "Kunstencentrum {word}"),
            "fr": ("Théâtre {word}", "Compagnie {word}", "Centre culturel {word}"),
            "de": ("Theater {word}", "Bühne {word}", "Kulturzentrum {word}"),
        },
        {
            "en": (
                "A mid-size theatre with two stages and around 120 performances a season.",
                "We create contemporary theatre for adults and young audiences and tour across Europe.",
                "Our house combines creation, hosting touring companies and workshops for the neighbourhood.",
            ),
            "nl": (
                "Een middelgroot theater met twee zalen en zo'n 120 voorstellingen per seizoen.",
                "Wij maken hedendaags theater voor volwassenen en jong publiek en touren door Europa.",
                "Ons huis combineert eigen creaties, ontvangst van reizende gezelschappen en workshops voor de buurt.",
            ),
            "fr": (
                "Un théâtre de taille moyenne avec deux salles et environ 120 représentations par saison.",
                "Nous créons du théâtre contemporain pour adultes et jeune public, en tournée dans toute l'Europe.",
                "Notre maison associe créations, accueil de compagnies en tournée et ateliers pour le quartier.",
            ),
            "de": (
                "Ein mittelgroßes Theater mit zwei Bühnen und rund 120 Vorstellungen pro Spielzeit.",
                "Wir machen zeitgenössisches Theater für Erwachsene und junges Publikum und gastieren in ganz Europa.",
                "Unser Haus verbindet Eigenproduktionen, Gastspiele und Workshops für das Viertel.",
            ),
        },
    ),
    ClientKind(
        "festival",
        1.2,
        ("music", "events_technical"),
        (
            "sound_engineer",
            "lighting_technician",
            "stagehand",
            "event_manager",
            "photographer",
            "videographer",
            "community_manager",
            "dj",
        ),
        {
            "en": ("{word} Festival", "{town} Summer Sounds", "{word} Open Air"),
            "nl": ("Festival {word}", "{word} Festival", "Zomerfestival {town}"),
            "fr": ("Festival {word}", "Les Nuits de {town}", "Festival {word} en plein air"),
            "de": ("Festival {word}", "Kultursommer {town}", "{word} Open Air"),
        },
        {
            "en": (
                "A three-day music festival with 15,000 visitors each summer.",
                "An open-air festival for music, street theatre and food, run with 300 volunteers.",
                "We programme world music, jazz and local bands on four stages.",
            ),
            "nl": (
                "Een driedaags muziekfestival met elke zomer 15.000 bezoekers.",
                "Een openluchtfestival voor muziek, straattheater en eten, gedragen door 300 vrijwilligers.",
                "We programmeren wereldmuziek, jazz en lokale bands op vier podia.",
            ),
            "fr": (
                "Un festival de musique de trois jours qui accueille 15 000 spectateurs chaque été.",
                "Un festival en plein air mêlant musique, arts de la rue et gastronomie, porté par 300 bénévoles.",
                "Nous programmons musiques du monde, jazz et groupes locaux sur quatre scènes.",
            ),
            "de": (
                "Ein dreitägiges Musikfestival mit jeden Sommer 15.000 Gästen.",
                "Ein Open-Air-Festival für Musik, Straßentheater und Essen, getragen von 300 Ehrenamtlichen.",
                "Wir programmieren Weltmusik, Jazz und lokale Bands auf vier Bühnen.",
            ),
        },
    ),
    ClientKind(
        "agency",
        1.2,
        ("communication_marketing", "design_graphics"),
        (
            "graphic_designer",
            "copywriter",
            "photographer",
            "videographer",
            "animator",
            "community_manager",
            "web_developer",
        ),
        {
            "en": ("{word} Studio", "{word} Communications", "Studio {surname}"),
            "nl": ("Bureau {word}", "{word} Communicatie", "Studio {surname}"),
            "fr": ("Agence {word}", "{word} Communication", "Studio {surname}"),
            "de": ("Agentur {word}", "{word} Kommunikation", "Studio {surname}"),
        },
        {
            "en": (
                "A small communication agency working for cultural and social organisations.",
                "We build brands, campaigns and websites for SMEs and non-profits.",
                "A creative studio for strategy, design and content.",
            ),
            "nl": (
                "Een klein communicatiebureau dat werkt voor culturele en sociale organisaties.",
                "We bouwen merken, campagnes en websites voor kmo's en vzw's.",
                "Een creatieve studio voor strategie, ontwerp en content.",
            ),
            "fr": (
                "Une petite agence de communication au service d'organisations culturelles et sociales.",
                "Nous créons marques, campagnes et sites web pour des PME et des ASBL.",
                "Un studio créatif pour la stratégie, le design et le contenu.",
            ),
            "de": (
                "Eine kleine Kommunikationsagentur für Kultur- und Sozialorganisationen.",
                "Wir entwickeln Marken, Kampagnen und Websites für KMU und Vereine.",
                "Ein kreatives Studio für Strategie, Design und Content.",
            ),
        },
    ),
    ClientKind(
        "municipality",
        0.9,
        ("cultural_management", "events_technical", "social_care"),
        (
            "event_manager",
            "translator",
            "graphic_designer",
            "facilitator",
            "photographer",
            "tour_guide",
            "sound_engineer",
            "youth_worker",
            "gardener",
        ),
        {
            "en": ("{town} Culture Department", "{town} Events Office"),
            "nl": ("Stad {town} – dienst Cultuur", "Gemeente {town} – Evenementen"),
            "fr": ("Ville de {town} – Service Culture", "Commune de {town} – Service Événements"),
            "de": ("Stadt {town} – Kulturamt", "Gemeinde {town} – Veranstaltungen"),
        },
        {
            "en": (
                "The culture department organises markets, concerts and heritage days throughout the year.",
                "We support local associations and run a programme of free events in public spaces.",
            ),
            "nl": (
                "De cultuurdienst organiseert het hele jaar markten, concerten en erfgoeddagen.",
                "We ondersteunen lokale verenigingen en organiseren gratis evenementen in de publieke ruimte.",
            ),
            "fr": (
                "Le service culture organise tout au long de l'année des marchés, des concerts et des journées du patrimoine.",
                "Nous soutenons les associations locales et proposons des événements gratuits dans l'espace public.",
            ),
            "de": (
                "Das Kulturamt organisiert das ganze Jahr über Märkte, Konzerte und Tage des Denkmals.",
                "Wir unterstützen lokale Vereine und veranstalten kostenlose Events im öffentlichen Raum.",
            ),
        },
    ),
    ClientKind(
        "school",
        0.9,
        ("education",),
        (
            "trainer",
            "music_teacher",
            "language_teacher",
            "web_developer",
            "coach",
            "theatre_director",
            "illustrator",
        ),
        {
            "en": ("{word} International School", "{word} Academy"),
            "nl": ("Basisschool {word}", "Academie {word}", "Kunstacademie {town}"),
            "fr": ("École {word}", "Académie {word}", "Athénée {word}"),
            "de": ("Gesamtschule {word}", "Musikschule {town}", "Akademie {word}"),
        },
        {
            "en": (
                "A school of 600 pupils that invites artists and experts into the classroom.",
                "Part-time arts education for children and adults: music, word, dance and visual arts.",
            ),
            "nl": (
                "Een school met 600 leerlingen die kunstenaars en experts in de klas haalt.",
                "Deeltijds kunstonderwijs voor kinderen en volwassenen: muziek, woord, dans en beeldende kunst.",
            ),
            "fr": (
                "Une école de 600 élèves qui invite artistes et experts en classe.",
                "Un enseignement artistique à horaire réduit pour enfants et adultes : musique, parole, danse et arts plastiques.",
            ),
            "de": (
                "Eine Schule mit 600 Schülerinnen und Schülern, die Künstler und Fachleute in den Unterricht holt.",
                "Außerschulische Kunstbildung für Kinder und Erwachsene: Musik, Sprache, Tanz und bildende Kunst.",
            ),
        },
    ),
    ClientKind(
        "ngo",
        1.0,
        ("social_care", "research", "consulting_training"),
        (
            "researcher",
            "translator",
            "project_manager",
            "copywriter",
            "facilitator",
            "data_analyst",
            "web_developer",
            "photographer",
        ),
        {
            "en": ("{word} Foundation", "Friends of {word}"),
            "nl": ("vzw {word}", "Stichting {word}"),
            "fr": ("ASBL {word}", "Fondation {word}"),
            "de": ("Verein {word}", "Stiftung {word}"),
        },
        {
            "en": (
                "An NGO working on social inclusion and access to culture.",
                "We run European projects on climate, housing and participation.",
                "A network organisation that supports 80 local associations.",
            ),
            "nl": (
                "Een ngo die werkt rond sociale inclusie en toegang tot cultuur.",
                "We voeren Europese projecten uit rond klimaat, wonen en participatie.",
                "Een netwerkorganisatie die 80 lokale verenigingen ondersteunt.",
            ),
            "fr": (
                "Une ONG active dans l'inclusion sociale et l'accès à la culture.",
                "Nous menons des projets européens sur le climat, le logement et la participation.",
                "Une fédération qui soutient 80 associations locales.",
            ),
            "de": (
                "Eine NGO für soziale Teilhabe und Zugang zu Kultur.",
                "Wir führen EU-Projekte zu Klima, Wohnen und Beteiligung durch.",
                "Ein Dachverband, der 80 lokale Vereine unterstützt.",
            ),
        },
    ),
    ClientKind(
        "production",
        1.0,
        ("film_audiovisual",),
        (
            "videographer",
            "film_editor",
            "sound_engineer",
            "animator",
            "set_builder",
            "costume_designer",
            "actor",
            "composer",
            "translator",
            "makeup_artist",
            "private_chef",
        ),
        {
            "en": ("{word} Films", "{word} Pictures"),
            "nl": ("{word} Films", "Productiehuis {word}"),
            "fr": ("{word} Productions", "Films {word}"),
            "de": ("{word} Film", "Filmproduktion {word}"),
        },
        {
            "en": (
                "An independent production company for documentaries and short fiction.",
                "We produce series, commercials and branded content for European broadcasters.",
            ),
            "nl": (
                "Een onafhankelijk productiehuis voor documentaires en korte fictie.",
                "We produceren series, reclamespots en branded content voor Europese omroepen.",
            ),
            "fr": (
                "Une société de production indépendante de documentaires et de courts métrages.",
                "Nous produisons des séries, des spots et du contenu de marque pour des diffuseurs européens.",
            ),
            "de": (
                "Eine unabhängige Produktionsfirma für Dokumentarfilme und kurze Fiktion.",
                "Wir produzieren Serien, Werbespots und Branded Content für europäische Sender.",
            ),
        },
    ),
    ClientKind(
        "museum",
        0.8,
        ("heritage_restoration", "visual_arts"),
        (
            "conservator",
            "archivist",
            "tour_guide",
            "graphic_designer",
            "set_builder",
            "photographer",
            "translator",
        ),
        {
            "en": ("{word} Museum", "{town} City Museum"),
            "nl": ("Museum {word}", "Stadsmuseum {town}", "Erfgoedhuis {word}"),
            "fr": ("Musée {word}", "Maison du patrimoine de {town}"),
            "de": ("Museum {word}", "Stadtmuseum {town}"),
        },
        {
            "en": (
                "A city museum about everyday life, crafts and industry in the region.",
                "We show contemporary art and keep a collection of 4,000 works.",
            ),
            "nl": (
                "Een stadsmuseum over het dagelijks leven, ambachten en industrie in de streek.",
                "We tonen hedendaagse kunst en beheren een collectie van 4.000 werken.",
            ),
            "fr": (
                "Un musée de ville consacré à la vie quotidienne, à l'artisanat et à l'industrie de la région.",
                "Nous montrons l'art contemporain et conservons une collection de 4 000 œuvres.",
            ),
            "de": (
                "Ein Stadtmuseum über Alltag, Handwerk und Industrie der Region.",
                "Wir zeigen zeitgenössische Kunst und betreuen eine Sammlung von 4.000 Werken.",
            ),
        },
    ),
    ClientKind(
        "startup",
        1.0,
        ("it_web",),
        (
            "software_developer",
            "ux_designer",
            "web_developer",
            "data_analyst",
            "marketing_consultant",
            "copywriter",
            "translator",
        ),
        {
            "en": ("{eword} Labs", "{eword}.io", "{eword} Tech"),
            "nl": ("{eword} Labs", "{eword}.io"),
            "fr": ("{eword} Labs", "{eword}.io"),
            "de": ("{eword} Labs", "{eword}.io"),
        },
        {
            "en": (
                "A young company building software for the circular economy.",
                "We make a booking app for sports clubs and cultural venues.",
                "A scale-up with 25 people building tools for remote teams.",
            ),
            "nl": (
                "Een jong bedrijf dat software bouwt voor de circulaire economie.",
                "We maken een boekingsapp voor sportclubs en cultuurhuizen.",
                "Een scale-up met 25 mensen die tools bouwt voor teams op afstand.",
            ),
            "fr": (
                "Une jeune entreprise qui développe des logiciels pour l'économie circulaire.",
                "Nous créons une application de réservation pour clubs sportifs et lieux culturels.",
                "Une scale-up de 25 personnes qui développe des outils pour équipes à distance.",
            ),
            "de": (
                "Ein junges Unternehmen, das Software für die Kreislaufwirtschaft entwickelt.",
                "Wir bauen eine Buchungs-App für Sportvereine und Kulturhäuser.",
                "Ein Scale-up mit 25 Leuten, das Werkzeuge für verteilte Teams baut.",
            ),
        },
    ),
    ClientKind(
        "venue",
        0.7,
        ("music", "events_technical"),
        ("sound_engineer", "lighting_technician", "stagehand", "press_officer", "musician", "dj"),
        {
            "en": ("The {word} Club", "{word} Music Hall"),
            "nl": ("Muziekclub {word}", "Concertzaal {word}", "Jeugdhuis {word}"),
            "fr": ("Salle {word}", "Club {word}"),
            "de": ("Musikclub {word}", "Konzerthaus {word}"),
        },
        {
            "en": (
                "A music venue for 800 people with concerts five nights a week.",
                "A small club that gives young bands their first stage.",
            ),
            "nl": (
                "Een muziekzaal voor 800 mensen met vijf avonden per week concerten.",
                "Een kleine club die jonge bands hun eerste podium geeft.",
            ),
            "fr": (
                "Une salle de concert de 800 places, ouverte cinq soirs par semaine.",
                "Un petit club qui offre une première scène aux jeunes groupes.",
            ),
            "de": (
                "Ein Konzertsaal für 800 Menschen mit Konzerten an fünf Abenden pro Woche.",
                "Ein kleiner Club, der jungen Bands ihre erste Bühne gibt.",
            ),
        },
    ),
    ClientKind(
        "publisher",
        0.6,
        ("writing_translation", "journalism_media"),
        ("translator", "proofreader", "illustrator", "graphic_designer", "press_officer", "copywriter"),
        {
            "en": ("{word} Press", "{word} Books"),
            "nl": ("Uitgeverij {word}",),
            "fr": ("Éditions {word}",),
            "de": ("Verlag {word}",),
        },
        {
            "en": (
                "An independent publisher of literary fiction, essays and children's books.",
                "We publish about twenty titles a year, many of them in translation.",
            ),
            "nl": (
                "Een onafhankelijke uitgeverij van literaire fictie, essays en kinderboeken.",
                "We geven zo'n twintig titels per jaar uit, veel daarvan in vertaling.",
            ),
            "fr": (
                "Une maison d'édition indépendante de littérature, d'essais et de livres jeunesse.",
                "Nous publions une vingtaine de titres par an, dont beaucoup en traduction.",
            ),
            "de": (
                "Ein unabhängiger Verlag für Literatur, Essays und Kinderbücher.",
                "Wir veröffentlichen rund zwanzig Titel im Jahr, viele davon in Übersetzung.",
            ),
        },
    ),
    ClientKind(
        "event_agency",
        0.9,
        ("events_technical",),
        (
            "event_manager",
            "sound_engineer",
            "lighting_technician",
            "dj",
            "photographer",
            "interpreter",
            "stagehand",
        ),
        {
            "en": ("{word} Events",),
            "nl": ("{word} Events", "Eventbureau {word}"),
            "fr": ("{word} Événements", "Agence {word} Events"),
            "de": ("{word} Events", "Eventagentur {word}"),
        },
        {
            "en": (
                "We organise corporate events, congresses and incentive trips.",
                "An event agency for product launches, staff parties and conferences.",
            ),
            "nl": (
                "We organiseren bedrijfsevents, congressen en incentivereizen.",
                "Een eventbureau voor productlanceringen, personeelsfeesten en conferenties.",
            ),
            "fr": (
                "Nous organisons des événements d'entreprise, des congrès et des voyages incentive.",
                "Une agence événementielle pour lancements de produits, fêtes du personnel et conférences.",
            ),
            "de": (
                "Wir organisieren Firmenevents, Kongresse und Incentive-Reisen.",
                "Eine Eventagentur für Produkteinführungen, Betriebsfeiern und Konferenzen.",
            ),
        },
    ),
    ClientKind(
        "sme",
        1.0,
        ("business_services", "food_catering", "crafts"),
        (
            "photographer",
            "translator",
            "copywriter",
            "web_developer",
            "trainer",
            "coach",
            "graphic_designer",
            "interior_designer",
            "accountant",
            "handyman",
            "private_chef",
            "bike_courier",
        ),
        {
            "en": ("{surname} & Partners", "{word} Brewery"),
            "nl": ("Brouwerij {word}", "{surname} & Zonen", "Drukkerij {surname}"),
            "fr": ("Brasserie {word}", "Imprimerie {surname}", "{surname} & Fils"),
            "de": ("Brauerei {word}", "Druckerei {surname}", "Tischlerei {surname}"),
        },
        {
            "en": (
                "A family business with 40 employees that exports to ten countries.",
                "A local company that is growing and needs outside help now and then.",
            ),
            "nl": (
                "Een familiebedrijf met 40 medewerkers dat naar tien landen exporteert.",
                "Een lokaal bedrijf in volle groei dat af en toe hulp van buitenaf nodig heeft.",
            ),
            "fr": (
                "Une entreprise familiale de 40 personnes qui exporte dans dix pays.",
                "Une entreprise locale en pleine croissance qui a besoin de renforts ponctuels.",
            ),
            "de": (
                "Ein Familienunternehmen mit 40 Beschäftigten, das in zehn Länder exportiert.",
                "Ein wachsendes lokales Unternehmen, das ab und zu Unterstützung von außen braucht.",
            ),
        },
    ),
)

#: Generic sentences every kind may add.
HIRE: dict[str, tuple[str, ...]] = {
    "en": (
        "We regularly look for freelancers, for instance {t1} or {t2}.",
        "For busy periods we call on {t1} and {t2} from the cooperative.",
        "We are always glad to meet {t1} or {t2} who know the region.",
    ),
    "nl": (
        "We zoeken regelmatig freelancers, bijvoorbeeld {t1} of {t2}.",
        "In drukke periodes doen we een beroep op {t1} en {t2} uit de coöperatie.",
        "We maken graag kennis met {t1} of {t2} die de regio kent.",
    ),
    "fr": (
        "Nous cherchons régulièrement des indépendants, par exemple {t1} ou {t2}.",
        "En période chargée, nous faisons appel à {t1} et à {t2} de la coopérative.",
        "Nous sommes toujours heureux de rencontrer {t1} ou {t2} qui connaît la région.",
    ),
    "de": (
        "Gesucht werden regelmäßig Freiberufler, etwa {t1} oder {t2}.",
        "In Spitzenzeiten unterstützen uns zum Beispiel {t1} und {t2} aus der Genossenschaft.",
        "Besonders willkommen: {t1} oder {t2} mit Ortskenntnis.",
    ),
}

FOUNDED: dict[str, tuple[str, ...]] = {
    "en": ("Founded in {year}, we are a team of {size} in {town}.", "Based in {town} since {year}."),
    "nl": ("Opgericht in {year}; we zijn met {size} mensen in {town}.", "Sinds {year} gevestigd in {town}."),
    "fr": (
        "Fondée en {year}, notre équipe compte {size} personnes à {town}.",
        "Installés à {town} depuis {year}.",
    ),
    "de": ("Gegründet {year}, heute {size} Mitarbeitende in {town}.", "Seit {year} in {town} zu Hause."),
}

CONTACT: dict[str, tuple[str, ...]] = {
    "en": ("Questions about a project? Write to {contact}.", "Your contact person is {contact}."),
    "nl": ("Vragen over een project? Schrijf naar {contact}.", "Je aanspreekpunt is {contact}."),
    "fr": ("Une question sur un projet ? Écrivez à {contact}.", "Votre personne de contact : {contact}."),
    "de": ("Fragen zu einem Projekt? Schreiben Sie an {contact}.", "Ihre Ansprechperson ist {contact}."),
}
