"""Regenerate common-passwords.txt: `python webapp/accounts/data/generate_blocklist.py`.

Why generated and not downloaded: the list must be reproducible and licence-clean. It
combines passwords that top every published breach ranking, keyboard walks, digit
runs, and the words people in Belgium and its neighbours reach for (in Dutch, French,
German and English), with the suffixes and capitalisation habits seen in breaches.
Only entries of at least 8 characters are kept: shorter ones are refused by length.
"""

from __future__ import annotations

from pathlib import Path

MIN_LENGTH = 8

#: Frequent in every public breach ranking (typed from memory, lower-case).
TOP = """
123456 password 12345678 qwerty 123456789 12345 1234 111111 1234567 dragon 123123 baseball
abc123 football monkey letmein 696969 shadow master 666666 qwertyuiop 123321 mustang
1234567890 michael 654321 superman 1qaz2wsx 7777777 121212 000000 qazwsx 123qwe killer
trustno1 jordan jennifer zxcvbnm asdfgh hunter buster soccer harley batman andrew tigger
sunshine iloveyou charlie robert thomas hockey ranger daniel starwars klaster 112233 george
computer michelle jessica pepper 1111 zxcvbn 555555 11111111 131313 freedom 777777 pass
maggie 159753 aaaaaa ginger princess joshua cheese amanda summer love ashley 6969 nicole
chelsea biteme matthew access yankees 987654321 dallas austin thunder taylor matrix
william corvette hello martin heather secret merlin diamond 1234qwer gfhjkm hammer silver
222222 88888888 anthony justin test bailey q1w2e3r4t5 patrick internet scooter orange
11111 golfer cookie richard samantha bigdog guitar jackson whatever mickey chicken sparky
snoopy maverick phoenix camaro peanut morgan welcome falcon cowboy ferrari samsung andrea
smokey steelers joseph mercedes dakota arsenal eagles melissa boomer booboo spider nascar
monster tigers yellow xxxxxx 123123123 gateway marina diablo bulldog qwer1234 compaq purple
hardcore banana junior hannah 123654 porsche lakers iceman money cowboys 987654 london
tennis 999999 ncc1701 coffee scooby 0000 miller boston q1w2e3r4 brandon yamaha chester
mother forever johnny edward 333333 oliver redsox player nikita knight fender barney
midnight please brandy chicago badboy slayer rangers charles angel flower bigdaddy rabbit
wizard jasper enter rachel chris steven winner adidas victoria natasha 1q2w3e4r jasmine
winter prince panties marine ghbdtn fishing cocacola casper james 232323 raiders 888888
marlboro gandalf asdfasdf crystal 87654321 12344321 golden 8675309 panther lauren angela
thx1138 angels madison winston shannon mike toyota blowjob jordan23 canada sophie apples
dick tiger razz 123abc pokemon qazxsw 55555 qwaszx muffin johnson murphy cooper jonathan
liverpoo david danielle 159357 jackie 1990 123456a 789456 turtle horny abcd1234 scorpion
qazwsxedc 101010 butter carlos password1 dennis slipknot qwerty123 booger asdf 1991 black
startrek 12341234 cameron newyork rainbow nathan john 1992 rocket viking redskins asdfghjkl
1212 sierra peaches gemini doctor wilson sandra helpme qwertyui victor florida dolphin
pookie captain tucker blue liverpool theman bandit dolphins maddog packers jaguar lovers
nicholas united tiger1 tigger1 hellohello loveme abc123456 qwe123 1qaz2wsx3edc password123
passw0rd p@ssw0rd p@ssword pa55word admin administrator root toor changeme default guest
letmein123 welcome1 welcome123 iloveyou1 sunshine1 princess1 football1 baseball1 monkey1
dragon1 master1 shadow1 superman1 batman1 trustno1 zaq12wsx zaq1zaq1 1q2w3e4r5t 1q2w3e4r5t6y
aa123456 a123456 qwerty1 qwerty12 qwertz qwertzuiop azerty azertyuiop azerty123 azerty1234
qwertz123 ytrewq 123qweasd qweasdzxc 1qazxsw2 asdfghjk zxcvbnm1 lol123 abcdef abcdefg
abcdefgh abcdefghi 11223344 12121212 123456789a 0987654321 9876543210 147258369 159951
741852963 963852741 1234554321 a1b2c3d4 iloveu 5201314 666999 password! password12
secret123 access14 starwars1 mypassword letmein1 myspace1 blink182 linkedin facebook
google youtube twitter instagram minecraft fortnite roblox pokemon1 naruto pikachu
""".split()

#: Words people pick, in the four languages of the platform (lower-case, no accents added).
WORDS = """
wachtwoord paswoord geheim welkom hallo zomer winter lente herfst voetbal schatje liefje
konijn hondje poesje kindjes zonneschijn vrijheid familie brussel antwerpen gent brugge
leuven mechelen hasselt kortrijk oostende namen luik charleroi belgie belgium belgique
belgien vlaanderen wallonie nederland amsterdam rotterdam utrecht ajax feyenoord psv
anderlecht standard clubbrugge genk rodeduivels diables duivels
motdepasse azertyuiop bonjour soleil chocolat chouchou doudou loulou nounours coucou
amour jetaime toujours liberte france paris marseille lyon lille bruxelles liege namur
mons tournai wavre louvain papillon princesse cheval dauphin marseille123 footballeur
passwort kennwort geheimnis hallo123 schatz hasenbau fussball sommer sonne blume
deutschland berlin hamburg muenchen koeln aachen eupen bayern dortmund schalke freiheit
liebe ichliebedich mausi hasi schnecke
password letmein welcome sunshine iloveyou princess football baseball monkey dragon
master shadow superman batman michael jennifer jordan hunter charlie thomas robert
computer freedom summer chelsea liverpool arsenal barcelona realmadrid juventus
manchester united chocolate butterfly cheese banana orange purple yellow silver golden
diamond crystal starwars pokemon minecraft internet samsung iphone android windows
office business company freelance freelancer cooperative kring smart member client
music musique muziek musik guitar guitare gitaar piano photo foto photography fotografie
design designer artist artiste kunstenaar kunst theatre theater cinema film studio
computer ordinateur dataprocessing developer developpeur programmer sunflower rainbow
family familie famille mother father mama papa maman mamie papie oma opa grandma
angel angels heaven jesus christ god lucky lucky7 dragon tiger lion eagle wolf panther
""".split()

FIRST_NAMES = """
emma olivia louise mila elena lina nora marie julie sarah laura lisa anna lotte fien noor
lucas liam noah louis arthur jules adam victor finn lars wout arne jonas thomas pieter
jan peter koen bart tom kris dirk marc luc patrick philippe pierre jean michel alain
nicolas julien sophie nathalie isabelle christine catherine veronique sandrine caroline
stefan michael andreas thomas markus sabine claudia petra andrea nicole daniel david
kevin jessica jennifer michelle ashley amanda charlotte alexander maxime manon chloe
camille lea ines yasmine mohamed ahmed fatima aicha youssef hamza sara elise lieve
""".split()

SUFFIXES = [
    "",
    "1",
    "12",
    "123",
    "1234",
    "12345",
    "!",
    "1!",
    "123!",
    "01",
    "007",
    "69",
    "99",
    "00",
    "11",
    "13",
    "22",
    "77",
    "88",
    "2000",
    "2020",
    "2021",
    "2022",
    "2023",
    "2024",
    "2025",
    "2026",
    "1990",
    "1985",
    "1995",
    "@123",
    "#1",
    "?",
]

KEYBOARD_ROWS = [
    "1234567890",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "azertyuiop",
    "qsdfghjklm",
    "wxcvbn",
    "qwertzuiop",
    "yxcvbnm",
    "1qaz2wsx3edc4rfv",
    "zaq12wsxcde3",
    "!qaz@wsx",
    "0987654321",
    "poiuytrewq",
    "mnbvcxz",
    "lkjhgfdsa",
]


def variants(word: str) -> set[str]:
    out = set()
    leet = word.replace("a", "@").replace("o", "0").replace("e", "3").replace("i", "1").replace("s", "$")
    for base in {word, word.capitalize(), leet}:
        for suffix in SUFFIXES:
            out.add(base + suffix)
    return out


def generate() -> list[str]:
    words: set[str] = set()
    for w in TOP:
        words |= {w, w.capitalize(), w + "1", w + "123", w + "!", w + "12", w + "1234"}
    for w in WORDS:
        words |= variants(w)
    for name in FIRST_NAMES:
        words |= {name + s for s in SUFFIXES} | {name.capitalize() + s for s in SUFFIXES[:8]}
    for row in KEYBOARD_ROWS:
        for start in range(len(row)):
            for end in range(start + MIN_LENGTH, len(row) + 1):
                words.add(row[start:end])
    for d in "0123456789":
        for n in range(MIN_LENGTH, 13):
            words.add(d * n)
    for n in range(MIN_LENGTH, 11):
        words.add("".join(str(i % 10) for i in range(1, n + 1)))
        words.add("".join(str(i % 10) for i in range(0, n)))
    for year in range(1950, 2027):
        for prefix in ("", "0101", "1201"):
            words.add(f"{prefix}{year}")
        for w in ("password", "welkom", "bonjour", "hallo", "summer", "zomer", "winter", "soleil"):
            words.add(f"{w}{year}")
    # Dates typed as birthdays: ddmmyyyy for two decades, a well-known breach staple.
    for year in range(1970, 2011, 5):
        for month in range(1, 13):
            for day in (1, 10, 15, 20, 28):
                words.add(f"{day:02d}{month:02d}{year}")
    lowered = {w.lower() for w in words if len(w) >= MIN_LENGTH}
    return sorted(lowered)


def main() -> None:
    target = Path(__file__).with_name("common-passwords.txt")
    entries = generate()
    header = "# Generated by generate_blocklist.py; one password per line, compared lower-cased.\n"
    target.write_text(header + "\n".join(entries) + "\n", encoding="utf-8")
    print(f"{len(entries)} entries written to {target}")


if __name__ == "__main__":
    main()
