"""What each trade family's clients are, and sentences only that family (or one trade) would write.

Clients are plural phrases that fit "I work for …" (with their article in French).
Family sentences are first person and may use {city}, {tool1}, {tool2}, {work1}, {client1}.
"""

# ruff: noqa: E501  (sentences are data: one per line reads better than split strings)

from __future__ import annotations

FAMILY_CLIENTS: dict[str, dict[str, tuple[str, ...]]] = {
    "sound": {
        "en": (
            "concert halls",
            "festivals",
            "theatre companies",
            "broadcasters",
            "recording studios",
            "podcast makers",
            "event agencies",
        ),
        "nl": (
            "concertzalen",
            "festivals",
            "theatergezelschappen",
            "omroepen",
            "opnamestudio's",
            "podcastmakers",
            "eventbureaus",
        ),
        "fr": (
            "des salles de concert",
            "des festivals",
            "des compagnies de théâtre",
            "des radios et télévisions",
            "des studios d'enregistrement",
            "des créateurs de podcasts",
            "des agences événementielles",
        ),
        "de": (
            "Konzerthäuser",
            "Festivals",
            "Theaterkompanien",
            "Rundfunkanstalten",
            "Tonstudios",
            "Podcaster",
            "Eventagenturen",
        ),
    },
    "stage": {
        "en": (
            "city theatres",
            "dance companies",
            "opera houses",
            "cultural centres",
            "touring companies",
            "festivals",
        ),
        "nl": (
            "stadsschouwburgen",
            "dansgezelschappen",
            "operahuizen",
            "cultuurcentra",
            "reizende gezelschappen",
            "festivals",
        ),
        "fr": (
            "des théâtres",
            "des compagnies de danse",
            "des maisons d'opéra",
            "des centres culturels",
            "des compagnies en tournée",
            "des festivals",
        ),
        "de": (
            "Stadttheater",
            "Tanzkompanien",
            "Opernhäuser",
            "Kulturzentren",
            "Tourneetheater",
            "Festivals",
        ),
    },
    "events": {
        "en": (
            "event agencies",
            "trade fairs",
            "companies",
            "festivals",
            "municipalities",
            "conference centres",
        ),
        "nl": ("eventbureaus", "beurzen", "bedrijven", "festivals", "gemeenten", "congrescentra"),
        "fr": (
            "des agences événementielles",
            "des salons professionnels",
            "des entreprises",
            "des festivals",
            "des communes",
            "des centres de congrès",
        ),
        "de": ("Eventagenturen", "Messen", "Unternehmen", "Festivals", "Gemeinden", "Kongresszentren"),
    },
    "image": {
        "en": (
            "advertising agencies",
            "magazines",
            "companies",
            "cultural institutions",
            "couples getting married",
            "production houses",
            "NGOs",
        ),
        "nl": (
            "reclamebureaus",
            "magazines",
            "bedrijven",
            "culturele instellingen",
            "trouwkoppels",
            "productiehuizen",
            "ngo's",
        ),
        "fr": (
            "des agences de publicité",
            "des magazines",
            "des entreprises",
            "des institutions culturelles",
            "des futurs mariés",
            "des maisons de production",
            "des ONG",
        ),
        "de": (
            "Werbeagenturen",
            "Magazine",
            "Unternehmen",
            "Kultureinrichtungen",
            "Brautpaare",
            "Produktionsfirmen",
            "NGOs",
        ),
    },
    "design": {
        "en": (
            "start-ups",
            "cultural organisations",
            "publishers",
            "local governments",
            "architects",
            "shops and restaurants",
        ),
        "nl": (
            "start-ups",
            "culturele organisaties",
            "uitgeverijen",
            "lokale besturen",
            "architecten",
            "winkels en horeca",
        ),
        "fr": (
            "des start-ups",
            "des organisations culturelles",
            "des maisons d'édition",
            "des pouvoirs locaux",
            "des architectes",
            "des commerces et restaurants",
        ),
        "de": (
            "Start-ups",
            "Kulturorganisationen",
            "Verlage",
            "Kommunalverwaltungen",
            "Architekturbüros",
            "Läden und Restaurants",
        ),
    },
    "words": {
        "en": (
            "law firms",
            "publishers",
            "European institutions",
            "translation agencies",
            "NGOs",
            "companies",
        ),
        "nl": (
            "advocatenkantoren",
            "uitgeverijen",
            "Europese instellingen",
            "vertaalbureaus",
            "ngo's",
            "bedrijven",
        ),
        "fr": (
            "des cabinets d'avocats",
            "des maisons d'édition",
            "des institutions européennes",
            "des agences de traduction",
            "des ONG",
            "des entreprises",
        ),
        "de": ("Anwaltskanzleien", "Verlage", "EU-Institutionen", "Übersetzungsbüros", "NGOs", "Unternehmen"),
    },
    "digital": {
        "en": ("small businesses", "non-profits", "start-ups", "web agencies", "schools", "public services"),
        "nl": ("kmo's", "vzw's", "start-ups", "webbureaus", "scholen", "overheidsdiensten"),
        "fr": (
            "des PME",
            "des ASBL",
            "des start-ups",
            "des agences web",
            "des écoles",
            "des services publics",
        ),
        "de": (
            "kleine und mittlere Unternehmen",
            "Vereine",
            "Start-ups",
            "Webagenturen",
            "Schulen",
            "Behörden",
        ),
    },
    "consulting": {
        "en": ("non-profits", "schools", "public services", "SMEs", "cooperatives", "hospitals"),
        "nl": ("vzw's", "scholen", "overheidsdiensten", "kmo's", "coöperaties", "ziekenhuizen"),
        "fr": (
            "des ASBL",
            "des écoles",
            "des services publics",
            "des PME",
            "des coopératives",
            "des hôpitaux",
        ),
        "de": ("gemeinnützige Vereine", "Schulen", "Behörden", "KMU", "Genossenschaften", "Krankenhäuser"),
    },
    "comms": {
        "en": ("cultural venues", "start-ups", "local shops", "NGOs", "publishers", "festivals"),
        "nl": ("cultuurhuizen", "start-ups", "lokale handelaars", "ngo's", "uitgeverijen", "festivals"),
        "fr": (
            "des lieux culturels",
            "des start-ups",
            "des commerces locaux",
            "des ONG",
            "des éditeurs",
            "des festivals",
        ),
        "de": ("Kulturhäuser", "Start-ups", "lokale Geschäfte", "NGOs", "Verlage", "Festivals"),
    },
    "crafts": {
        "en": (
            "private clients",
            "interior architects",
            "galleries",
            "restaurants",
            "concept stores",
            "theatres",
        ),
        "nl": (
            "particulieren",
            "interieurarchitecten",
            "galerijen",
            "restaurants",
            "conceptstores",
            "theaters",
        ),
        "fr": (
            "des particuliers",
            "des architectes d'intérieur",
            "des galeries",
            "des restaurants",
            "des concept stores",
            "des théâtres",
        ),
        "de": ("Privatkunden", "Innenarchitekten", "Galerien", "Restaurants", "Concept Stores", "Theater"),
    },
    "heritage": {
        "en": (
            "museums",
            "churches and abbeys",
            "private collectors",
            "heritage agencies",
            "tourist offices",
            "cities",
        ),
        "nl": (
            "musea",
            "kerkfabrieken en abdijen",
            "privéverzamelaars",
            "erfgoedcellen",
            "toerismediensten",
            "steden",
        ),
        "fr": (
            "des musées",
            "des fabriques d'église et des abbayes",
            "des collectionneurs privés",
            "des services du patrimoine",
            "des offices du tourisme",
            "des villes",
        ),
        "de": (
            "Museen",
            "Kirchengemeinden und Abteien",
            "Privatsammler",
            "Denkmalämter",
            "Tourismusbüros",
            "Städte",
        ),
    },
    "education": {
        "en": (
            "schools",
            "academies",
            "companies",
            "adult education centres",
            "music schools",
            "private students",
        ),
        "nl": (
            "scholen",
            "academies",
            "bedrijven",
            "centra voor volwassenenonderwijs",
            "muziekscholen",
            "privéleerlingen",
        ),
        "fr": (
            "des écoles",
            "des académies",
            "des entreprises",
            "des centres de promotion sociale",
            "des écoles de musique",
            "des élèves particuliers",
        ),
        "de": ("Schulen", "Akademien", "Unternehmen", "Volkshochschulen", "Musikschulen", "Privatschüler"),
    },
    "research": {
        "en": ("universities", "public services", "think tanks", "foundations", "NGOs"),
        "nl": ("universiteiten", "overheidsdiensten", "denktanks", "stichtingen", "ngo's"),
        "fr": ("des universités", "des services publics", "des think tanks", "des fondations", "des ONG"),
        "de": ("Universitäten", "Behörden", "Thinktanks", "Stiftungen", "NGOs"),
    },
    "wellbeing": {
        "en": ("companies", "sports clubs", "private students", "retreat centres", "maternity clinics"),
        "nl": ("bedrijven", "sportclubs", "privéleerlingen", "retraitecentra", "kraamklinieken"),
        "fr": (
            "des entreprises",
            "des clubs de sport",
            "des élèves particuliers",
            "des centres de retraite",
            "des maternités",
        ),
        "de": ("Unternehmen", "Sportvereine", "Privatschüler", "Seminarhäuser", "Geburtskliniken"),
    },
    "beauty": {
        "en": ("film productions", "theatres", "photographers", "brides and grooms", "TV studios"),
        "nl": ("filmproducties", "theaters", "fotografen", "bruidsparen", "tv-studio's"),
        "fr": (
            "des productions de films",
            "des théâtres",
            "des photographes",
            "des futurs mariés",
            "des plateaux télé",
        ),
        "de": ("Filmproduktionen", "Theater", "Fotografen", "Brautpaare", "TV-Studios"),
    },
    "food": {
        "en": ("families", "film crews", "festivals", "companies", "cultural centres"),
        "nl": ("gezinnen", "filmploegen", "festivals", "bedrijven", "cultuurcentra"),
        "fr": (
            "des familles",
            "des équipes de tournage",
            "des festivals",
            "des entreprises",
            "des centres culturels",
        ),
        "de": ("Familien", "Filmteams", "Festivals", "Unternehmen", "Kulturzentren"),
    },
    "green": {
        "en": ("private owners", "schools", "municipalities", "housing cooperatives"),
        "nl": ("particulieren", "scholen", "gemeenten", "wooncoöperaties"),
        "fr": ("des particuliers", "des écoles", "des communes", "des coopératives de logement"),
        "de": ("Privatleute", "Schulen", "Gemeinden", "Wohngenossenschaften"),
    },
    "building": {
        "en": ("private owners", "landlords", "shops", "theatres", "non-profits"),
        "nl": ("particulieren", "verhuurders", "winkels", "theaters", "vzw's"),
        "fr": (
            "des particuliers",
            "des propriétaires bailleurs",
            "des commerces",
            "des théâtres",
            "des ASBL",
        ),
        "de": ("Privatleute", "Vermieter", "Läden", "Theater", "Vereine"),
    },
    "business": {
        "en": ("freelancers", "non-profits", "small businesses", "artist collectives"),
        "nl": ("freelancers", "vzw's", "kleine bedrijven", "kunstenaarscollectieven"),
        "fr": ("des indépendants", "des ASBL", "des petites entreprises", "des collectifs d'artistes"),
        "de": ("Freiberufler", "Vereine", "kleine Unternehmen", "Künstlerkollektive"),
    },
    "care": {
        "en": ("youth centres", "municipalities", "schools", "social organisations"),
        "nl": ("jeugdhuizen", "gemeenten", "scholen", "sociale organisaties"),
        "fr": ("des maisons de jeunes", "des communes", "des écoles", "des associations sociales"),
        "de": ("Jugendzentren", "Gemeinden", "Schulen", "soziale Träger"),
    },
    "transport": {
        "en": ("shops", "restaurants", "film productions", "event agencies", "pharmacies"),
        "nl": ("winkels", "restaurants", "filmproducties", "eventbureaus", "apotheken"),
        "fr": (
            "des commerces",
            "des restaurants",
            "des productions de films",
            "des agences événementielles",
            "des pharmacies",
        ),
        "de": ("Läden", "Restaurants", "Filmproduktionen", "Eventagenturen", "Apotheken"),
    },
}

FAMILY_SENTENCES: dict[str, dict[str, tuple[str, ...]]] = {
    "sound": {
        "en": (
            "Music has been part of my life since I was eight.",
            "I like projects where music meets theatre, film or dance.",
            "At home in {city} I have a small studio where I prepare every job.",
            "I know the festival circuit in the Benelux well.",
        ),
        "nl": (
            "Muziek is al deel van mijn leven sinds mijn achtste.",
            "Ik hou van projecten waar muziek samenkomt met theater, film of dans.",
            "In {city} heb ik een kleine studio waar ik elke opdracht voorbereid.",
            "Ik ken het festivalcircuit in de Benelux goed.",
        ),
        "fr": (
            "La musique fait partie de ma vie depuis mes huit ans.",
            "J'aime les projets où la musique rencontre le théâtre, le cinéma ou la danse.",
            "À {city}, j'ai un petit studio où je prépare chaque mission.",
            "Je connais bien le circuit des festivals au Benelux.",
        ),
        "de": (
            "Musik gehört seit meinem achten Lebensjahr zu meinem Leben.",
            "Ich mag Projekte, in denen Musik auf Theater, Film oder Tanz trifft.",
            "In {city} habe ich ein kleines Studio, in dem ich jeden Auftrag vorbereite.",
            "Die Festivalszene im Benelux kenne ich gut.",
        ),
    },
    "stage": {
        "en": (
            "I know the backstage of most venues in the region by heart.",
            "Touring taught me to stay calm when the truck arrives two hours late.",
            "I like working on creations from the first rehearsal to the premiere.",
        ),
        "nl": (
            "De coulissen van de meeste zalen in de regio ken ik van buiten.",
            "Op tournee leerde ik kalm te blijven als de vrachtwagen twee uur te laat is.",
            "Ik werk graag mee aan creaties, van de eerste repetitie tot de première.",
        ),
        "fr": (
            "Je connais par cœur les coulisses de la plupart des salles de la région.",
            "La tournée m'a appris à rester calme quand le camion arrive avec deux heures de retard.",
            "J'aime accompagner une création de la première répétition jusqu'à la première.",
        ),
        "de": (
            "Die Hinterbühnen der meisten Häuser in der Region kenne ich auswendig.",
            "Auf Tournee habe ich gelernt, ruhig zu bleiben, wenn der LKW zwei Stunden zu spät kommt.",
            "Ich begleite Produktionen gern von der ersten Probe bis zur Premiere.",
        ),
    },
    "events": {
        "en": (
            "No event is too small or too big: from a board dinner for twelve to a festival for 20,000.",
            "Safety first: I plan every job with a risk analysis.",
            "Sustainability matters to me: reusable materials and local suppliers wherever possible.",
        ),
        "nl": (
            "Geen event te klein of te groot: van een bestuursdiner voor twaalf tot een festival voor 20.000 bezoekers.",
            "Veiligheid eerst: elke opdracht plan ik met een risicoanalyse.",
            "Duurzaamheid vind ik belangrijk: herbruikbare materialen en lokale leveranciers waar het kan.",
        ),
        "fr": (
            "Aucun événement n'est trop petit ou trop grand : du dîner de conseil d'administration pour douze au festival de 20 000 personnes.",
            "La sécurité d'abord : je prépare chaque mission avec une analyse de risques.",
            "La durabilité me tient à cœur : matériel réutilisable et fournisseurs locaux dès que possible.",
        ),
        "de": (
            "Keine Veranstaltung ist zu klein oder zu groß: vom Vorstandsessen für zwölf bis zum Festival für 20.000 Gäste.",
            "Sicherheit zuerst: Jeden Einsatz plane ich mit einer Gefährdungsbeurteilung.",
            "Nachhaltigkeit ist mir wichtig: wiederverwendbares Material und lokale Dienstleister, wo immer es geht.",
        ),
    },
    "image": {
        "en": (
            "I like to understand the story before I start working on the images.",
            "My style is documentary: honest images, without too much staging.",
            "I do all the post-production myself in {tool1}.",
            "Clear agreements up front: a quote, a schedule and no surprises.",
        ),
        "nl": (
            "Ik wil het verhaal begrijpen voor ik aan de beelden begin.",
            "Mijn stijl is documentair: eerlijke beelden, zonder veel poespas.",
            "Ik doe de nabewerking zelf in {tool1}.",
            "Duidelijke afspraken vooraf: een offerte, een planning en geen verrassingen.",
        ),
        "fr": (
            "J'aime comprendre l'histoire avant de commencer à travailler les images.",
            "Mon style est documentaire : des images sincères, sans trop de mise en scène.",
            "Je fais moi-même la post-production dans {tool1}.",
            "Des accords clairs dès le départ : un devis, un planning et pas de surprises.",
        ),
        "de": (
            "Ich will die Geschichte verstehen, bevor ich mit den Bildern beginne.",
            "Mein Stil ist dokumentarisch: ehrliche Bilder ohne viel Inszenierung.",
            "Die Nachbearbeitung mache ich selbst in {tool1}.",
            "Klare Absprachen vorab: ein Angebot, ein Zeitplan und keine Überraschungen.",
        ),
    },
    "design": {
        "en": (
            "I start every project with a conversation, not with a mood board.",
            "Good design solves a problem first and looks good second.",
            "I work in {tool1} and {tool2} and deliver files that your team can keep using.",
            "I like long collaborations in which a project can grow.",
        ),
        "nl": (
            "Elk project begint bij mij met een gesprek, niet met een moodboard.",
            "Goed ontwerp lost eerst een probleem op en ziet er daarna goed uit.",
            "Ik werk in {tool1} en {tool2} en lever bestanden aan waar je team zelf mee verder kan.",
            "Ik hou van lange samenwerkingen waarin een project kan groeien.",
        ),
        "fr": (
            "Chaque projet commence par une conversation, pas par un moodboard.",
            "Un bon design résout d'abord un problème, et ensuite il est beau.",
            "Je travaille sous {tool1} et {tool2} et je livre des fichiers que votre équipe peut réutiliser.",
            "J'aime les collaborations au long cours, où un projet peut grandir.",
        ),
        "de": (
            "Jedes Projekt beginnt bei mir mit einem Gespräch, nicht mit einem Moodboard.",
            "Gutes Design löst zuerst ein Problem und sieht dann gut aus.",
            "Ich arbeite mit {tool1} und {tool2} und liefere Dateien, mit denen Ihr Team weiterarbeiten kann.",
            "Ich mag lange Zusammenarbeit, in der ein Projekt wachsen kann.",
        ),
    },
    "words": {
        "en": (
            "Deadlines are sacred to me; confidentiality too.",
            "I build a glossary for each regular client so the terminology stays consistent.",
            "I use {tool1}, but every sentence is read and weighed by a human.",
            "Words matter: I read everything aloud before I deliver it.",
        ),
        "nl": (
            "Deadlines zijn heilig voor mij, vertrouwelijkheid ook.",
            "Voor vaste klanten bouw ik een woordenlijst op, zodat de terminologie consequent blijft.",
            "Ik gebruik {tool1}, maar elke zin wordt door een mens gelezen en gewogen.",
            "Woorden doen ertoe: ik lees alles hardop voor ik het aflever.",
        ),
        "fr": (
            "Les délais sont sacrés pour moi, la confidentialité aussi.",
            "Pour chaque client régulier, je tiens un glossaire afin que la terminologie reste cohérente.",
            "J'utilise {tool1}, mais chaque phrase est relue et pesée par un humain.",
            "Les mots comptent : je relis tout à voix haute avant de livrer.",
        ),
        "de": (
            "Termine sind mir heilig, Vertraulichkeit ebenso.",
            "Für Stammkunden pflege ich ein Glossar, damit die Terminologie einheitlich bleibt.",
            "Ich arbeite mit {tool1}, aber jeder Satz wird von einem Menschen gelesen und abgewogen.",
            "Worte zählen: Ich lese alles laut, bevor ich es abgebe.",
        ),
    },
    "digital": {
        "en": (
            "I write code that the next developer can read, with tests and documentation.",
            "Open source where possible, so you are never locked in with one supplier.",
            "I explain technical choices in plain language, without jargon.",
            "My favourite stack: {tool1} and {tool2}.",
        ),
        "nl": (
            "Ik schrijf code die de volgende ontwikkelaar kan lezen, met tests en documentatie.",
            "Open source waar het kan, zodat je nooit vastzit aan één leverancier.",
            "Ik leg technische keuzes uit in gewone taal, zonder jargon.",
            "Mijn favoriete stack: {tool1} en {tool2}.",
        ),
        "fr": (
            "J'écris du code lisible par le développeur suivant, avec tests et documentation.",
            "Du logiciel libre dès que possible, pour que vous ne soyez jamais captif d'un fournisseur.",
            "J'explique les choix techniques en langage clair, sans jargon.",
            "Ma stack préférée : {tool1} et {tool2}.",
        ),
        "de": (
            "Ich schreibe Code, den auch die nächste Entwicklerin lesen kann, mit Tests und Dokumentation.",
            "Open Source, wo es geht, damit Sie nie an einen Anbieter gebunden sind.",
            "Technische Entscheidungen erkläre ich in klarer Sprache, ohne Fachchinesisch.",
            "Mein bevorzugter Stack: {tool1} und {tool2}.",
        ),
    },
    "consulting": {
        "en": (
            "I believe that people learn most from their own questions.",
            "My sessions are practical: every participant leaves with something to try the next day.",
            "I work in person in {city} and online everywhere.",
            "Before any trajectory I offer a free intake conversation.",
        ),
        "nl": (
            "Ik geloof dat mensen het meest leren van hun eigen vragen.",
            "Mijn sessies zijn praktisch: iedereen vertrekt met iets om de dag nadien uit te proberen.",
            "Ik werk fysiek in {city} en overal online.",
            "Elk traject begint met een vrijblijvend kennismakingsgesprek.",
        ),
        "fr": (
            "Je crois qu'on apprend surtout de ses propres questions.",
            "Mes séances sont concrètes : chaque participant repart avec quelque chose à essayer dès le lendemain.",
            "J'interviens en présentiel à {city} et partout en ligne.",
            "Chaque accompagnement commence par un entretien préalable gratuit.",
        ),
        "de": (
            "Ich bin überzeugt, dass Menschen am meisten aus ihren eigenen Fragen lernen.",
            "Meine Sitzungen sind praktisch: Alle gehen mit etwas nach Hause, das sie am nächsten Tag ausprobieren können.",
            "Ich arbeite vor Ort in {city} und online überall.",
            "Jede Begleitung beginnt mit einem kostenlosen Erstgespräch.",
        ),
    },
    "comms": {
        "en": (
            "I measure what works and drop what doesn't.",
            "Authentic content beats expensive ads, especially for small organisations.",
            "I can take over your channels during a busy season or train your team to do it themselves.",
        ),
        "nl": (
            "Ik meet wat werkt en laat vallen wat niet werkt.",
            "Authentieke content wint van dure advertenties, zeker voor kleine organisaties.",
            "Ik neem je kanalen over tijdens een drukke periode of leer je team het zelf te doen.",
        ),
        "fr": (
            "Je mesure ce qui fonctionne et j'abandonne ce qui ne marche pas.",
            "Un contenu authentique vaut mieux qu'une publicité coûteuse, surtout pour les petites structures.",
            "Je peux reprendre vos canaux en période chargée ou former votre équipe à le faire elle-même.",
        ),
        "de": (
            "Ich messe, was funktioniert, und lasse weg, was nicht funktioniert.",
            "Authentische Inhalte schlagen teure Anzeigen, gerade für kleine Organisationen.",
            "Ich übernehme Ihre Kanäle in der Hochsaison oder schule Ihr Team, es selbst zu tun.",
        ),
    },
    "crafts": {
        "en": (
            "Everything is made by hand in my workshop in {city}.",
            "Visitors are welcome in the workshop by appointment.",
            "Each piece is unique; small series are possible on request.",
            "I care about materials that last and can be repaired.",
        ),
        "nl": (
            "Alles wordt met de hand gemaakt in mijn atelier in {city}.",
            "Bezoekers zijn welkom in het atelier, op afspraak.",
            "Elk stuk is uniek; kleine reeksen zijn mogelijk op aanvraag.",
            "Ik kies voor materialen die lang meegaan en herstelbaar zijn.",
        ),
        "fr": (
            "Tout est fait à la main dans mon atelier à {city}.",
            "L'atelier est ouvert aux visiteurs sur rendez-vous.",
            "Chaque pièce est unique ; de petites séries sont possibles sur demande.",
            "Je choisis des matériaux durables et réparables.",
        ),
        "de": (
            "Alles entsteht von Hand in meiner Werkstatt in {city}.",
            "Besuch in der Werkstatt ist nach Vereinbarung willkommen.",
            "Jedes Stück ist ein Unikat; kleine Serien sind auf Anfrage möglich.",
            "Mir sind langlebige und reparierbare Materialien wichtig.",
        ),
    },
    "heritage": {
        "en": (
            "Old buildings and their stories have fascinated me since childhood.",
            "I document each step with photographs and a written report.",
            "I like making heritage accessible to people who never visit a museum.",
        ),
        "nl": (
            "Oude gebouwen en hun verhalen boeien me al van kindsbeen af.",
            "Ik documenteer elke stap met foto's en een schriftelijk verslag.",
            "Ik maak erfgoed graag toegankelijk voor mensen die nooit een museum bezoeken.",
        ),
        "fr": (
            "Les vieux bâtiments et leurs histoires me passionnent depuis l'enfance.",
            "Je documente chaque étape avec des photos et un rapport écrit.",
            "J'aime rendre le patrimoine accessible à ceux qui ne vont jamais au musée.",
        ),
        "de": (
            "Alte Gebäude und ihre Geschichten faszinieren mich seit meiner Kindheit.",
            "Ich dokumentiere jeden Schritt mit Fotos und einem schriftlichen Bericht.",
            "Ich mache Kulturerbe gern für Menschen zugänglich, die nie ins Museum gehen.",
        ),
    },
    "education": {
        "en": (
            "Every learner is different, so I adapt the pace and the material.",
            "Lessons take place in my studio in {city}, at your place or online.",
            "I prepare students for exams, but mostly I want them to enjoy it.",
        ),
        "nl": (
            "Elke leerling is anders, dus ik pas tempo en materiaal aan.",
            "De lessen gaan door in mijn studio in {city}, bij jou thuis of online.",
            "Ik bereid leerlingen voor op examens, maar vooral wil ik dat ze er plezier in hebben.",
        ),
        "fr": (
            "Chaque élève est différent, j'adapte donc le rythme et le matériel.",
            "Les cours ont lieu dans mon studio à {city}, à domicile ou en ligne.",
            "Je prépare aux examens, mais je veux surtout que mes élèves y prennent plaisir.",
        ),
        "de": (
            "Jeder Mensch lernt anders, deshalb passe ich Tempo und Material an.",
            "Der Unterricht findet in meinem Studio in {city}, bei Ihnen zu Hause oder online statt.",
            "Ich bereite auf Prüfungen vor, aber vor allem soll das Lernen Freude machen.",
        ),
    },
    "research": {
        "en": (
            "I turn field work into clear recommendations that policy makers actually read.",
            "Mixed methods are my strength: interviews, surveys and administrative data.",
            "I publish in academic journals but write for a broad audience too.",
        ),
        "nl": (
            "Ik vertaal veldwerk naar heldere aanbevelingen die beleidsmakers ook echt lezen.",
            "Gemengde methoden zijn mijn sterkte: interviews, enquêtes en administratieve data.",
            "Ik publiceer in vakbladen maar schrijf ook voor een breed publiek.",
        ),
        "fr": (
            "Je transforme le terrain en recommandations claires que les décideurs lisent vraiment.",
            "Les méthodes mixtes sont ma force : entretiens, questionnaires et données administratives.",
            "Je publie dans des revues scientifiques mais j'écris aussi pour un large public.",
        ),
        "de": (
            "Ich mache aus Feldforschung klare Empfehlungen, die Entscheider auch wirklich lesen.",
            "Methodenmix ist meine Stärke: Interviews, Umfragen und Verwaltungsdaten.",
            "Ich veröffentliche in Fachzeitschriften, schreibe aber auch für ein breites Publikum.",
        ),
    },
    "wellbeing": {
        "en": (
            "My classes are accessible to everyone, whatever their age or flexibility.",
            "I teach in small groups so that I can give personal attention.",
            "Lunchtime sessions at the office are a speciality of mine.",
        ),
        "nl": (
            "Mijn lessen zijn toegankelijk voor iedereen, wat je leeftijd of lenigheid ook is.",
            "Ik geef les in kleine groepen, zodat er aandacht is voor iedereen.",
            "Middagsessies op kantoor zijn een specialiteit van me.",
        ),
        "fr": (
            "Mes cours sont accessibles à tous, quels que soient l'âge et la souplesse.",
            "J'enseigne en petits groupes pour garder une attention personnelle.",
            "Les séances de midi au bureau sont ma spécialité.",
        ),
        "de": (
            "Meine Kurse sind für alle zugänglich, unabhängig von Alter und Beweglichkeit.",
            "Ich unterrichte in kleinen Gruppen, damit ich auf alle eingehen kann.",
            "Mittagseinheiten im Büro sind meine Spezialität.",
        ),
    },
    "beauty": {
        "en": (
            "I work fast and calmly, even when the shoot is running late.",
            "I only use products that are kind to sensitive skin.",
        ),
        "nl": (
            "Ik werk snel en rustig, ook als de opnames uitlopen.",
            "Ik gebruik enkel producten die zacht zijn voor de gevoelige huid.",
        ),
        "fr": (
            "Je travaille vite et dans le calme, même quand le tournage prend du retard.",
            "J'utilise uniquement des produits adaptés aux peaux sensibles.",
        ),
        "de": (
            "Ich arbeite schnell und ruhig, auch wenn der Dreh sich verzögert.",
            "Ich verwende nur Produkte, die empfindliche Haut vertragen.",
        ),
    },
    "food": {
        "en": (
            "I cook with seasonal vegetables from local farmers.",
            "Allergies and special diets are no problem; just let me know in advance.",
            "I bring my own mobile kitchen when needed.",
        ),
        "nl": (
            "Ik kook met seizoensgroenten van boeren uit de buurt.",
            "Allergieën en speciale diëten zijn geen probleem; laat het me op voorhand weten.",
            "Indien nodig breng ik mijn eigen mobiele keuken mee.",
        ),
        "fr": (
            "Je cuisine des légumes de saison de producteurs locaux.",
            "Allergies et régimes particuliers ne posent aucun problème ; prévenez-moi simplement à l'avance.",
            "Si nécessaire, j'apporte ma propre cuisine mobile.",
        ),
        "de": (
            "Ich koche mit saisonalem Gemüse von Höfen aus der Region.",
            "Allergien und besondere Ernährungsweisen sind kein Problem; sagen Sie mir einfach vorher Bescheid.",
            "Bei Bedarf bringe ich meine eigene mobile Küche mit.",
        ),
    },
    "green": {
        "en": (
            "I garden without pesticides and with a lot of respect for biodiversity.",
            "A garden is never finished, and that is what I love about it.",
        ),
        "nl": (
            "Ik tuinier zonder pesticiden en met veel respect voor biodiversiteit.",
            "Een tuin is nooit af, en dat is net wat ik er zo fijn aan vind.",
        ),
        "fr": (
            "Je jardine sans pesticides et avec beaucoup de respect pour la biodiversité.",
            "Un jardin n'est jamais terminé, et c'est justement ce que j'aime.",
        ),
        "de": (
            "Ich gärtnere ohne Pestizide und mit viel Respekt vor der Artenvielfalt.",
            "Ein Garten ist nie fertig, und genau das liebe ich daran.",
        ),
    },
    "building": {
        "en": ("I leave every site clean and tidy.", "No job is too small: call me for that one shelf too."),
        "nl": ("Ik laat elke werf netjes achter.", "Geen klus te klein: bel me ook voor dat ene rekje."),
        "fr": (
            "Je laisse chaque chantier propre et rangé.",
            "Aucun travail n'est trop petit : appelez-moi aussi pour cette étagère.",
        ),
        "de": (
            "Ich hinterlasse jede Baustelle sauber und ordentlich.",
            "Kein Auftrag ist zu klein: Rufen Sie mich auch für das eine Regal an.",
        ),
    },
    "business": {
        "en": (
            "I explain your figures in plain language.",
            "Deadlines for tax and VAT are in my calendar, not yours.",
        ),
        "nl": (
            "Ik leg je cijfers uit in gewone taal.",
            "De deadlines voor belastingen en btw staan in mijn agenda, niet in de jouwe.",
        ),
        "fr": (
            "J'explique vos chiffres en langage clair.",
            "Les échéances fiscales et TVA sont dans mon agenda, pas dans le vôtre.",
        ),
        "de": (
            "Ich erkläre Ihre Zahlen in verständlicher Sprache.",
            "Die Fristen für Steuern und Umsatzsteuer stehen in meinem Kalender, nicht in Ihrem.",
        ),
    },
    "care": {
        "en": (
            "I believe every young person has a talent worth discovering.",
            "I have a first-aid certificate and years of camp experience.",
        ),
        "nl": (
            "Ik geloof dat elke jongere een talent heeft dat het ontdekken waard is.",
            "Ik heb een EHBO-attest en jaren kampervaring.",
        ),
        "fr": (
            "Je crois que chaque jeune a un talent qui mérite d'être découvert.",
            "J'ai un brevet de secourisme et des années d'expérience en stages.",
        ),
        "de": (
            "Ich glaube, dass jeder junge Mensch ein Talent hat, das es zu entdecken lohnt.",
            "Ich habe einen Erste-Hilfe-Schein und jahrelange Lagererfahrung.",
        ),
    },
    "transport": {
        "en": (
            "Fast, silent and zero-emission through the city centre.",
            "I ride in all weather, all year round.",
        ),
        "nl": (
            "Snel, stil en emissievrij door het stadscentrum.",
            "Ik rijd bij elk weer, het hele jaar door.",
        ),
        "fr": (
            "Rapide, silencieux et zéro émission en centre-ville.",
            "Je roule par tous les temps, toute l'année.",
        ),
        "de": (
            "Schnell, leise und emissionsfrei durch die Innenstadt.",
            "Ich fahre bei jedem Wetter, das ganze Jahr über.",
        ),
    },
}

#: Sentences only one trade would write; a bio draws from these and its family's together.
TRADE_SENTENCES: dict[str, dict[str, tuple[str, ...]]] = {
    "sound_engineer": {
        "en": (
            "I travel with my own {tool1} rack and measurement microphone.",
            "Good sound starts with a good soundcheck: I always arrive early.",
            "I have mixed everything from small jazz clubs to open-air stages for 8,000 people.",
        ),
        "nl": (
            "Ik reis met mijn eigen {tool1}-rack en meetmicrofoon.",
            "Goed geluid begint bij een goede soundcheck: ik ben er altijd op tijd.",
            "Ik mixte al van kleine jazzcafés tot openluchtpodia voor 8.000 mensen.",
        ),
        "fr": (
            "Je me déplace avec mon propre rack {tool1} et mon micro de mesure.",
            "Un bon son commence par une bonne balance : j'arrive toujours tôt.",
            "J'ai mixé aussi bien dans de petits clubs de jazz que sur des scènes en plein air pour 8 000 personnes.",
        ),
        "de": (
            "Ich reise mit meinem eigenen {tool1}-Rack und Messmikrofon.",
            "Guter Klang beginnt beim Soundcheck: Ich bin immer früh vor Ort.",
            "Ich habe vom kleinen Jazzclub bis zur Open-Air-Bühne für 8.000 Menschen alles gemischt.",
        ),
    },
    "musician": {
        "en": (
            "I trained at the conservatory and still practise every day.",
            "I play in a jazz quartet and a wedding band, and I love both.",
        ),
        "nl": (
            "Ik studeerde aan het conservatorium en oefen nog elke dag.",
            "Ik speel in een jazzkwartet en een trouwband, en ik hou van allebei.",
        ),
        "fr": (
            "J'ai étudié au conservatoire et je m'exerce encore tous les jours.",
            "Je joue dans un quartet de jazz et dans un groupe de mariage, et j'aime les deux.",
        ),
        "de": (
            "Ich habe am Konservatorium studiert und übe noch jeden Tag.",
            "Ich spiele in einem Jazzquartett und einer Hochzeitsband und liebe beides.",
        ),
    },
    "composer": {
        "en": (
            "I write for small ensembles as well as for electronics.",
            "A good score serves the images; it should never shout louder than the story.",
        ),
        "nl": (
            "Ik schrijf voor kleine ensembles en voor elektronica.",
            "Goede filmmuziek dient de beelden en roept nooit luider dan het verhaal.",
        ),
        "fr": (
            "J'écris aussi bien pour petits ensembles que pour l'électronique.",
            "Une bonne musique sert les images ; elle ne doit jamais crier plus fort que l'histoire.",
        ),
        "de": (
            "Ich schreibe für kleine Ensembles ebenso wie für Elektronik.",
            "Gute Filmmusik dient den Bildern und ist nie lauter als die Geschichte.",
        ),
    },
    "dj": {
        "en": (
            "I bring my own sound system for up to 300 guests.",
            "From Motown to house: I read the room and adapt.",
        ),
        "nl": (
            "Ik breng mijn eigen geluidsinstallatie mee voor maximaal 300 gasten.",
            "Van Motown tot house: ik voel de zaal aan en pas me aan.",
        ),
        "fr": (
            "J'apporte ma propre sono pour 300 invités maximum.",
            "De la Motown à la house : je lis la salle et je m'adapte.",
        ),
        "de": (
            "Ich bringe meine eigene Anlage für bis zu 300 Gäste mit.",
            "Von Motown bis House: Ich lese das Publikum und passe mich an.",
        ),
    },
    "stagehand": {
        "en": (
            "I hold a VCA safety certificate and rope access training.",
            "I am used to working at height, day and night.",
        ),
        "nl": (
            "Ik heb een VCA-attest en een opleiding touwtoegang.",
            "Werken op hoogte ben ik gewoon, dag en nacht.",
        ),
        "fr": (
            "Je suis certifié{e} pour le travail en hauteur et l'accès sur cordes.",
            "J'ai l'habitude de travailler en hauteur, de jour comme de nuit.",
        ),
        "de": (
            "Ich habe eine SCC-Sicherheitsschulung und eine Ausbildung in Seilzugangstechnik.",
            "Arbeiten in der Höhe bin ich gewohnt, bei Tag und bei Nacht.",
        ),
    },
    "photographer": {
        "en": (
            "I work with natural light whenever I can and bring a compact studio kit when I can't.",
            "Delivery within a week, with an online gallery for quick selection.",
        ),
        "nl": (
            "Ik werk waar het kan met natuurlijk licht en breng anders een compacte studioset mee.",
            "Levering binnen de week, met een online galerij om snel te kiezen.",
        ),
        "fr": (
            "Je travaille à la lumière naturelle dès que possible, sinon avec un studio mobile.",
            "Livraison sous une semaine, avec une galerie en ligne pour choisir rapidement.",
        ),
        "de": (
            "Ich arbeite wenn möglich mit natürlichem Licht, sonst mit einem kompakten Studioset.",
            "Lieferung innerhalb einer Woche, mit Online-Galerie zur schnellen Auswahl.",
        ),
    },
    "translator": {
        "en": (
            "I only translate into my native language and have critical texts revised by a colleague.",
            "Sworn translator at the court of first instance.",
        ),
        "nl": (
            "Ik vertaal enkel naar mijn moedertaal en laat kritische teksten reviseren door een collega.",
            "Beëdigd {title} bij de rechtbank van eerste aanleg.",
        ),
        "fr": (
            "Je traduis uniquement vers ma langue maternelle et je fais réviser les textes sensibles par un confrère.",
            "{Title} juré{e} près le tribunal de première instance.",
        ),
        "de": (
            "Ich übersetze ausschließlich in meine Muttersprache und lasse kritische Texte von Kollegen prüfen.",
            "Öffentlich bestellte{r} und beeidigte{r} {title} beim Landgericht.",
        ),
    },
    "interpreter": {
        "en": (
            "I prepare every assignment with the speakers' slides and a glossary.",
            "I own a portable whispering system for small groups.",
        ),
        "nl": (
            "Ik bereid elke opdracht voor met de slides van de sprekers en een woordenlijst.",
            "Ik heb een mobiele fluistertolkinstallatie voor kleine groepen.",
        ),
        "fr": (
            "Je prépare chaque mission avec les présentations des orateurs et un glossaire.",
            "Je dispose d'un système de chuchotage portable pour les petits groupes.",
        ),
        "de": (
            "Ich bereite jeden Einsatz mit den Folien der Redner und einem Glossar vor.",
            "Ich besitze eine mobile Personenführungsanlage für kleine Gruppen.",
        ),
    },
    "ux_designer": {
        "en": (
            "I test with real users early, before anything is built.",
            "Accessibility is not an extra: I design to WCAG 2.2 AA from the start.",
        ),
        "nl": (
            "Ik test vroeg met echte gebruikers, nog voor er iets gebouwd wordt.",
            "Toegankelijkheid is geen extraatje: ik ontwerp van bij het begin volgens WCAG 2.2 AA.",
        ),
        "fr": (
            "Je teste tôt avec de vrais utilisateurs, avant que quoi que ce soit ne soit développé.",
            "L'accessibilité n'est pas une option : je conçois selon le WCAG 2.2 AA dès le départ.",
        ),
        "de": (
            "Ich teste früh mit echten Nutzern, bevor etwas gebaut wird.",
            "Barrierefreiheit ist kein Extra: Ich gestalte von Anfang an nach WCAG 2.2 AA.",
        ),
    },
    "interior_designer": {
        "en": (
            "I combine second-hand pieces with made-to-measure furniture.",
            "I follow up the works on site until the last socket is in place.",
        ),
        "nl": (
            "Ik combineer tweedehands stukken met meubelen op maat.",
            "Ik volg de werken op de werf op tot het laatste stopcontact op zijn plaats zit.",
        ),
        "fr": (
            "Je combine pièces de seconde main et mobilier sur mesure.",
            "Je suis le chantier jusqu'à la dernière prise posée.",
        ),
        "de": (
            "Ich kombiniere Secondhand-Stücke mit Möbeln nach Maß.",
            "Ich begleite die Arbeiten vor Ort bis zur letzten Steckdose.",
        ),
    },
    "system_administrator": {
        "en": (
            "When the network is down, I am there the same day.",
            "I prefer simple, well-documented set-ups that your team understands.",
        ),
        "nl": (
            "Ligt het netwerk plat, dan ben ik er dezelfde dag.",
            "Ik kies voor eenvoudige, goed gedocumenteerde installaties die je team begrijpt.",
        ),
        "fr": (
            "Quand le réseau tombe, j'interviens le jour même.",
            "Je privilégie des installations simples et documentées que votre équipe comprend.",
        ),
        "de": (
            "Fällt das Netzwerk aus, bin ich noch am selben Tag da.",
            "Ich setze auf einfache, gut dokumentierte Lösungen, die Ihr Team versteht.",
        ),
    },
    "furniture_maker": {
        "en": ("I work with local oak, ash and walnut and with reclaimed wood.",),
        "nl": ("Ik werk met lokaal eiken, essen en notelaar en met gerecupereerd hout.",),
        "fr": ("Je travaille le chêne, le frêne et le noyer locaux ainsi que le bois de réemploi.",),
        "de": ("Ich arbeite mit regionaler Eiche, Esche und Nussbaum und mit Altholz.",),
    },
    "tour_guide": {
        "en": (
            "My tours mix history, anecdotes and a good place for coffee.",
            "I adapt every walk to the group: schoolchildren, seniors or foreign visitors.",
        ),
        "nl": (
            "Mijn rondleidingen mengen geschiedenis, anekdotes en een goed adresje voor koffie.",
            "Ik pas elke wandeling aan de groep aan: scholieren, senioren of buitenlandse bezoekers.",
        ),
        "fr": (
            "Mes visites mêlent histoire, anecdotes et une bonne adresse pour le café.",
            "J'adapte chaque balade au groupe : écoliers, seniors ou visiteurs étrangers.",
        ),
        "de": (
            "Meine Führungen verbinden Geschichte, Anekdoten und eine gute Adresse für Kaffee.",
            "Ich passe jeden Rundgang an die Gruppe an: Schulklassen, Senioren oder Gäste aus dem Ausland.",
        ),
    },
    "conservator": {
        "en": ("Respect for the original is my first rule: every intervention must be reversible.",),
        "nl": ("Respect voor het origineel is mijn eerste regel: elke ingreep moet omkeerbaar zijn.",),
        "fr": ("Le respect de l'original est ma première règle : toute intervention doit être réversible.",),
        "de": ("Respekt vor dem Original ist meine erste Regel: Jeder Eingriff muss reversibel sein.",),
    },
    "actor": {
        "en": ("I move easily between stage, camera and microphone.",),
        "nl": ("Ik schakel vlot tussen podium, camera en microfoon.",),
        "fr": ("Je passe facilement de la scène à la caméra et au micro.",),
        "de": ("Ich wechsle mühelos zwischen Bühne, Kamera und Mikrofon.",),
    },
}
