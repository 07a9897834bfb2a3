"""Write ``cards.jsonl`` of the large judged set: ~1,000 demo cards, one English card per target trade.

Why generated and then committed: the demo generator gives realistic distractor cards in four
languages for free, but it belongs to another module and may change; the judged queries name
the target cards by ``external_id``, so the cards they were judged against are frozen in the
file. Rebuild only together with the judgements.

For every trade in ``TARGETS`` the first English demo card is kept and every other card of that
trade dropped: a query about the trade has exactly one right answer (as in the issue's set).
Cards of the other trades are all kept (neighbouring trades – videographer next to photographer,
interpreter next to translator – are the hard distractors). Every card is made public (anonymous
search must see it) and gets no account.

    python -m tests.relevance.large.build_cards        # rewrites cards.jsonl next to this file
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
N_GENERATED = 1900

#: Trades with exactly one (English) card in the set; every query targets one of them.
TARGETS = (
    "photographer",
    "sound_engineer",
    "translator",
    "web_developer",
    "graphic_designer",
    "accountant",
    "gardener",
    "handyman",
    "yoga_teacher",
    "makeup_artist",
    "dj",
    "language_teacher",
    "copywriter",
    "architect",
    "cabinetmaker",
    "tour_guide",
    "event_manager",
    "data_analyst",
    "coach",
    "bike_courier",
    "interior_designer",
    "social_media_manager",
    "personal_trainer",
)


def build() -> list[dict]:
    from webapp.demo.generator import iter_members

    kept: list[dict] = []
    target_seen: set[str] = set()
    for record in iter_members(N_GENERATED, accounts=False):
        function = record["function"]
        if function in TARGETS:
            if record["card_language"] != "en" or function in target_seen:
                continue
            target_seen.add(function)
        record = {k: v for k, v in record.items() if k not in ("email", "public_email", "account")}
        record["visibility"] = "public"
        kept.append(record)
    missing = set(TARGETS) - target_seen
    if missing:
        raise SystemExit(f"no English card generated for {sorted(missing)}: raise N_GENERATED")
    return kept


def main() -> int:
    from webapp import create_app

    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(HERE / ".build"),
            "BACKGROUND_WORKERS": False,
            "DEMO_ON_FIRST_START": False,
        }
    )
    with app.app_context():
        cards = build()
    with open(HERE / "cards.jsonl", "w", encoding="utf-8") as fh:
        for card in cards:
            fh.write(json.dumps(card, ensure_ascii=False) + "\n")
    targets = {c["function"]: c["external_id"] for c in cards if c["function"] in TARGETS}
    print(f"{len(cards)} cards; targets:", file=sys.stderr)
    for code in TARGETS:
        print(f"  {code}: {targets[code]}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
