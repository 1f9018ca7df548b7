"""The review site on a large store (issue #16): 100,000 generated conversations written
into a SQLite tracker store in Rasa's ``events`` format, then

- the first indexing (everything read), an incremental run with nothing new, and one
  after 1,000 more conversations (today's);
- each page's response time over HTTP (``python -m review`` as ``make review`` starts it,
  its background indexing running), median and slowest of ``--requests`` calls.

Conversations are spread over ``--days`` days before today, their events interleaved in
time within a day as several people write at once; the texts are written for the bench
(never the held-out sets): questions of every topic, buttons, messages the assistant does
not understand (a few thousand wordings), hand-offs, bookings with a phone number,
cancellations, masked NIRs. Prints a Markdown table (docs/performance.md).

    PYTHONPATH=. .venv/bin/python bench/bench_review.py [--conversations 100000] [--days 60]
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import Engine

from bench.bench_knowledge import percentile
from review import schema
from review.index import Indexer
from review.schema import review_engine
from review.turns import fallback_threshold
from secu.dialogue.booking import REFERENCE, TO_CANCEL
from tests.unit.review.review_events import slot, start, turn, write
from tests.unit.review.review_site import Review, running_review

ROOT = Path(__file__).resolve().parents[1]
DAY = 86_400.0
ZONE = "Europe/Paris"
TOPICS = (
    ("lost_number", "jai perdu mon numero de secu", "Pour retrouver votre numéro…"),
    ("carte_vitale", "ma carte vitale est cassée", "Pour commander une carte Vitale…"),
    (
        "attestation_droits",
        "comment avoir une attestation de droits",
        "L'attestation se télécharge…",
    ),
    ("born_abroad", "je suis né à l'étranger comment avoir un numéro", "Né à l'étranger…"),
    ("expatriate", "je pars vivre au canada", "Avant de partir…"),
    ("return_to_france", "je rentre en france apres 5 ans", "À votre retour…"),
    ("moving", "je déménage dans un autre département", "En déménageant…"),
    ("children", "mon bébé vient de naître", "Pour rattacher votre enfant…"),
    ("health_aid", "c'est quoi la css", "La Complémentaire santé solidaire…"),
    ("not_covered", "je travaille mais pas de droits", "Si vos droits ne sont pas ouverts…"),
    ("cross_border", "je bosse en suisse", "Travailleur frontalier…"),
    ("travel_europe", "carte européenne pour les vacances", "La carte européenne…"),
)
OTHER = (
    ("contact", "quel est le numero de la cpam", "action_lookup_contact", "Appelez le 3646…"),
    ("define_term", "c'est quoi le nia", "action_define_term", "Le NIA est…"),
    ("thank", "merci beaucoup", "action_say_thank", "Avec plaisir !"),
    ("goodbye", "au revoir", "action_say_goodbye", "Au revoir !"),
    ("human_handoff", "je veux parler à un conseiller", "action_say_human_handoff", "Le 3646…"),
)
ENDINGS = ("", " svp", " merci", " ??", " stp", " c urgent", " help", " bonjour")
OPENINGS = ("bonjour", "slt", "euh", "alors", "en fait", "bjr", "dites", "bon", "re", "allo")
SUBJECTS = (
    "ma mutuelle", "le remboursement", "mon dossier", "la prime", "ma retraite", "le médecin",
    "mon arrêt maladie", "les lunettes", "le dentiste", "la pension", "mon employeur",
    "la caf", "les impots", "mon titre de séjour", "la pharmacie",
)  # fmt: skip
COMPLEMENTS = (
    "bloqué", "pas reçu", "combien", "c'est quand", "ça marche pas", "refusé", "en retard",
    "je comprends rien", "on m'a dit non", "depuis 3 mois",
)  # fmt: skip


def typed(rng: random.Random, text: str) -> str:
    """A message as people type it: a typo now and then, an ending."""
    if rng.random() < 0.3 and len(text) > 6:
        cut = rng.randrange(1, len(text) - 1)
        text = text[:cut] + text[cut + 1 :]
    return text + rng.choice(ENDINGS)


def topic_turn(rng: random.Random, at: float) -> list[dict[str, Any]]:
    intent, text, answer = rng.choice(TOPICS)
    if rng.random() < 0.3:  # a button of a previous answer
        events = turn(f"/{intent}", intent, answer, at, confidence=1.0)
    else:
        events = turn(typed(rng, text), intent, answer, at, confidence=rng.uniform(0.5, 1.0))
    return [*events[:-1], slot("topic", intent, at + 0.25), events[-1]]


def other_turn(rng: random.Random, at: float) -> list[dict[str, Any]]:
    intent, text, name, answer = rng.choice(OTHER)
    return turn(typed(rng, text), intent, answer, at, [name], rng.uniform(0.4, 1.0))


def not_understood(rng: random.Random, at: float) -> list[dict[str, Any]]:
    words = (rng.choice(OPENINGS), rng.choice(SUBJECTS), rng.choice(COMPLEMENTS))
    guesses = rng.sample([t[0] for t in TOPICS], 3)
    ranking = [
        ("nlu_fallback", 0.35),
        *((g, round(0.3 - 0.1 * n, 2)) for n, g in enumerate(guesses)),
    ]
    return turn(
        typed(rng, " ".join(words)),
        "nlu_fallback",
        "Je ne suis pas sûr d'avoir compris. Vouliez-vous parler de…",
        at,
        ["action_two_stage_fallback"],
        0.35,
        ranking=ranking,
    )


def booking(rng: random.Random, at: float) -> list[dict[str, Any]]:
    events = turn(
        "je voudrais un rdv",
        "book_appointment",
        "Pour quelle démarche ?",
        at,
        ["action_start_appointment", "appointment_form"],
    )
    events += turn(
        '/inform{"appointment_reason": "carte_vitale"}',
        "inform",
        "Par téléphone ou en agence ?",
        at + 20,
        ["appointment_form"],
        1.0,
    )
    phone = "06 " + " ".join(str(rng.randint(10, 99)) for _ in range(4))
    events += turn(
        phone,
        "inform",
        f"Je vous rappelle au 06 •• •• •• {phone[-2:]} ?",
        at + 40,
        ["appointment_form"],
        0.8,
    )
    confirmed = turn(
        "oui",
        "affirm",
        "C'est noté ! RDV-7K3F9Q",
        at + 60,
        ["appointment_form", "action_appointment_booked"],
    )
    events += [*confirmed[:-1], slot(REFERENCE, "RDV-7K3F9Q", at + 60.25), confirmed[-1]]
    if rng.random() < 0.2:
        ask = turn(
            "annuler mon rendez-vous",
            "cancel_appointment",
            "Vraiment ?",
            at + 90,
            ["action_cancel_appointment"],
        )
        events += [*ask[:-1], slot(TO_CANCEL, "RDV-7K3F9Q", at + 90.25), ask[-1]]
        events += turn(
            "oui", "affirm", "Le rendez-vous est annulé.", at + 100, ["action_cancel_appointment"]
        )
    return events


def nir_check(rng: random.Random, at: float) -> list[dict[str, Any]]:
    return turn(
        "mon numero 1 85 05 •• ••• ••• •• c bon ?",
        "check_nir",
        "Le numéro 1 85 05 •• ••• ••• •• est valide.",
        at,
        ["action_check_nir"],
        0.99,
    )


KINDS = ((topic_turn, 45), (other_turn, 25), (not_understood, 18), (booking, 4), (nir_check, 8))


def conversation(rng: random.Random, at: float) -> list[dict[str, Any]]:
    events = start(at) + turn(
        "/greet",
        "greet",
        "Bonjour, je suis un assistant non officiel.",
        at + 1,
        ["action_greet"],
        1.0,
    )
    makers = [make for make, _ in KINDS]
    weights = [weight for _, weight in KINDS]
    for step in range(rng.choice((1, 1, 2, 2, 3, 3, 4, 5))):
        at += 30.0 + 120.0 * step
        events += rng.choices(makers, weights)[0](rng, at)
    return events


def generate(engine: Engine, count: int, days: int, end: float, seed: int = 16) -> Iterator[int]:
    """Writes ``count`` conversations over ``days`` days before ``end``, a day at a time,
    each day's events in time order; yields the events written per day."""
    rng = random.Random(seed)
    per_day = count // days
    for day in range(days):
        first = end - (days - day) * DAY
        stamped = []
        for number in range(per_day):
            sender = f"bench-{day:03d}-{number:05d}-{rng.getrandbits(40):010x}"
            for event in conversation(rng, first + rng.uniform(0, DAY - 3600)):
                stamped.append((event["timestamp"], sender, event))
        stamped.sort(key=lambda item: item[0])
        grouped = [(sender, [event]) for _, sender, event in stamped]
        write(engine, grouped)
        yield len(stamped)


def timed(label: str, call: Any) -> tuple[str, float, Any]:
    started = time.perf_counter()
    result = call()
    return label, time.perf_counter() - started, result


def page_times(
    review: Review, paths: list[tuple[str, str]], requests: int
) -> list[tuple[str, float, float]]:
    found = []
    for label, path in paths:
        timings = []
        for _ in range(requests):
            started = time.perf_counter()
            answer = review.request(path)
            timings.append(time.perf_counter() - started)
            assert answer.status == 200, (path, answer.status)
        timings.sort()
        found.append((label, statistics.median(timings), percentile(timings, 1.0)))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--requests", type=int, default=20, help="calls per page")
    parser.add_argument(
        "--work", type=Path, help="keep the stores here (default: a temporary folder)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        work = args.work or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        run_bench(work, args.conversations, args.days, args.requests)


def run_bench(work: Path, conversations: int, days: int, requests: int) -> None:
    tracker_url = f"sqlite:///{work / 'tracker.db'}"
    store = create_engine(tracker_url, future=True)
    now = time.time()
    _, seconds, written = timed("generate", lambda: sum(generate(store, conversations, days, now)))
    print(f"Python {platform.python_version()}, SQLite; {conversations:,} conversations")
    print(f"{written:,} events written in {seconds:.0f} s")
    engine = review_engine(f"sqlite:///{work / 'review.db'}")
    threshold = fallback_threshold(ROOT / "config.yml")
    indexer = Indexer(engine, tracker_url, threshold, ZONE)
    runs = [timed("first indexing (everything)", indexer.run)]
    runs.append(timed("incremental run, nothing new", indexer.run))
    list(generate(store, 1000, 1, now, seed=17))
    runs.append(timed("incremental run, 1,000 new conversations", indexer.run))
    checking = Indexer(engine, tracker_url, threshold, ZONE, sync_seconds=0.0)
    runs.append(timed("incremental run + look for deleted conversations", checking.run))
    with engine.connect() as connection:
        turns = connection.execute(select(func.count()).select_from(schema.turns)).scalar()
        sender = connection.execute(select(schema.conversations.c.sender_id).limit(1)).scalar()
        message = connection.execute(
            select(func.max(schema.turns.c.id)).where(schema.turns.c.not_understood.is_(True))
        ).scalar()
    print(f"index: {turns:,} turns, review.db {size(work / 'review.db')}")
    print(f"tracker.db {size(work / 'tracker.db')}")
    print()
    print("| indexing | events read | seconds |")
    print("|---|---:|---:|")
    for name, took, run in runs:
        print(f"| {name} | {run.events:,} | {took:.1f} |")
    print()
    day = time.strftime("%Y-%m-%d", time.localtime(now))
    first = time.strftime("%Y-%m-%d", time.localtime(now - days * DAY))
    month = time.strftime("%Y-%m-%d", time.localtime(now - 29 * DAY))
    paths = [
        ("overview, 7 days (default)", "/"),
        ("overview, 30 days", f"/?du={month}&au={day}"),
        (f"overview, {days} days", f"/?du={first}&au={day}"),
        ("not understood, 7 days", "/non-compris"),
        (f"not understood, {days} days", f"/non-compris?du={first}&au={day}"),
        (f"not understood, {days} days, page 5", f"/non-compris?du={first}&au={day}&page=5"),
        ("a conversation", f"/conversation?id={sender}"),
        ("annotate (form)", f"/annoter/{message}"),
        (f"overview CSV, {days} days", f"/export/apercu.csv?du={first}&au={day}"),
        ("not understood CSV, 7 days", "/export/non-compris.csv"),
        (f"not understood CSV, {days} days", f"/export/non-compris.csv?du={first}&au={day}"),
    ]
    with running_review(
        work, tracker_url, {"REVIEW_DB_URL": f"sqlite:///{work / 'review.db'}"}
    ) as review:
        times = page_times(review, paths, requests)
    print(f"| page ({requests} calls each) | median (ms) | slowest (ms) |")
    print("|---|---:|---:|")
    for name, median, slowest in times:
        print(f"| {name} | {median * 1000:.0f} | {slowest * 1000:.0f} |")


def size(path: Path) -> str:
    return f"{path.stat().st_size / 1e6:.0f} MB"


if __name__ == "__main__":
    main()
