"""A seeded, deterministic generator of realistic ledgers of N evidence entries.

About 10 agreements, 40 parties, 400 terms (a third bind two or three parties), summaries of
100-300 characters, quotes of 50-400, non-ASCII text, source urls, about 2% retractions, dates over
2018-2023 (after every signing, before every recording) with a fifth at month and a twentieth at
year precision.

    python bench/generate.py N OUT.json [--seed S] [--changes C]
"""

from __future__ import annotations

import argparse
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

from ledger.core.digests import digests_of
from ledger.core.model import SCHEMA_VERSION
from ledger.storage import loading, writing

WORDS = (
    'ceasefire', 'withdrawal', 'prisoners', 'release', 'monitoring', 'violation', 'compliance',
    'convoy', 'border', 'checkpoint', 'militia', 'garrison', 'negotiations', 'sanctions',
    'observers', 'délégation', 'حكومة', 'переговоры', '和平', '協定', 'Kabul', 'Doha', 'Genève',
    'São', 'Paulo', 'Zürich', 'ñandú', 'İstanbul', 'statement', 'report', 'spokesperson',
    'alleged', 'confirmed', 'denied', 'verified', 'satellite', 'imagery', 'witnesses',
)
CATEGORIES = ("withdrawal", "prisoner-release", "counter-terrorism", "ceasefire", "sanctions",
              "negotiations", "humanitarian-access", "elections")
ROLES = ("signatory", "signatory", "signatory", "monitor", "mediator", "observer", "other")
START = datetime(2024, 1, 1, tzinfo=UTC)


def _sentence(chooser: random.Random, low: int, high: int) -> str:
    length = chooser.randint(low, high)
    words: list[str] = []
    while sum(len(word) + 1 for word in words) < length:
        words.append(chooser.choice(WORDS))
    text = " ".join(words)[:length].rstrip()
    return text[0].upper() + text[1:] + "."


def _digest(record: dict[str, Any], held: str = "id") -> str:
    """The id (or digest) the ledger derives for a record's JSON (`ledger.core.digests`)."""
    return digests_of([{key: value for key, value in record.items() if key != held}])[0]


def _kept(records: list[dict[str, Any]], first: datetime) -> None:
    """Give agreements, parties or terms a recording time (in order, before any entry) and the
    digest the ledger derives for them."""
    for number, record in enumerate(records):
        record["recorded_at"] = (first + timedelta(microseconds=number)).strftime(
            "%Y-%m-%dT%H:%M:%S.%fZ")
        record["digest"] = _digest(record, held="digest")


def _changes(terms: list[dict[str, Any]], count: int, chooser: random.Random
             ) -> list[dict[str, Any]]:
    """`count` amendments (a due day moved, from an effective day) and corrections (a title
    retyped), recorded after the terms, in order."""
    changes = []
    for number in range(count):
        term = chooser.choice(terms)
        moment = START - timedelta(hours=12) + timedelta(seconds=number)
        change: dict[str, Any] = {"id": "", "of": "term", "record": term["id"],
                                  "reason": _sentence(chooser, 20, 60),
                                  "recorded_at": moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                                  "cleared": []}
        if number % 2 == 0:
            day = datetime(2019, 1, 1) + timedelta(days=chooser.randrange(6 * 365))
            change.update(kind="amendment", effective=day.strftime("%Y-%m-%d"),
                          values={"due": (day + timedelta(days=180)).strftime("%Y-%m-%d")})
        else:
            change.update(kind="correction", values={"title": _sentence(chooser, 20, 60)})
        change["id"] = _digest(change)
        changes.append(change)
    return changes


def generate(entries: int, seed: int = 2020, changes: int = 0) -> dict[str, Any]:
    chooser = random.Random(seed)
    parties = [{"id": f"party-{number:02d}", "name": f"Party {number} {chooser.choice(WORDS)}",
                "role": ROLES[number % len(ROLES)], "aliases": []} for number in range(40)]
    party_ids = [party["id"] for party in parties]
    agreements = [{"id": f"agreement-{number}", "title": _sentence(chooser, 30, 80),
                   "signed": f"{2008 + number}-0{1 + number % 9}-15",
                   "signatories": chooser.sample(party_ids[:20], 2)} for number in range(10)]
    terms = []
    for number in range(400):
        obligors = chooser.sample(party_ids[:24], chooser.choice((1, 1, 2, 3)))
        term: dict[str, Any] = {
            "id": f"term-{number:03d}", "agreement": f"agreement-{number % 10}",
            "title": _sentence(chooser, 20, 60), "category": chooser.choice(CATEGORIES),
            "obligors": obligors, "article": f"Article {number % 40}.{number % 7}",
            "text": _sentence(chooser, 80, 240),
        }
        if number % 3 == 0:
            term["due"] = f"{2019 + number % 6}-{1 + number % 12:02d}-{1 + number % 28:02d}"
        terms.append(term)
    first = START - timedelta(days=1)
    _kept(agreements, first)
    _kept(parties, first + timedelta(seconds=1))
    _kept(terms, first + timedelta(seconds=2))
    evidence = []
    retractions = []
    for number in range(entries):
        term = chooser.choice(terms)
        # Statements made after every signing and before they are recorded (from START on), as
        # in a ledger kept as events happen: `check` finds nothing to warn of.
        day = datetime(2018, 1, 1) + timedelta(days=chooser.randrange(6 * 365))
        precision = chooser.random()
        date = (day.strftime("%Y") if precision < 0.05 else day.strftime("%Y-%m")
                if precision < 0.25 else day.strftime("%Y-%m-%d"))
        record: dict[str, Any] = {
            "id": "", "term": term["id"], "subject": chooser.choice(term["obligors"]),
            "claimant": chooser.choice(party_ids), "stance": chooser.choice(("claims",
                                                                             "disputes")),
            "date": date,
            "recorded_at": (START + timedelta(seconds=number * 7, microseconds=number)
                            ).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "summary": _sentence(chooser, 100, 300),
        }
        if chooser.random() < 0.6:
            record["speaker"] = f"{chooser.choice(WORDS).title()} {chooser.choice(WORDS).title()}"
        if chooser.random() < 0.7:
            record["quote"] = _sentence(chooser, 50, 400)
        record["source"] = {"title": _sentence(chooser, 15, 50), "publisher": "Wire",
                            "url": f"https://news.example.org/{date}/{number}", "date": date}
        record["id"] = _digest(record)
        evidence.append(record)
        if chooser.random() < 0.02:
            retraction = {"id": "", "evidence": record["id"],
                          "reason": _sentence(chooser, 20, 80),
                          "recorded_at": (START + timedelta(days=900, seconds=number)
                                          ).strftime("%Y-%m-%dT%H:%M:%S.%fZ")}
            retraction["id"] = _digest(retraction)
            retractions.append(retraction)
    assessments, reviews = _assessments(evidence, retractions, chooser)
    return {"schema_version": SCHEMA_VERSION, "title": f"Generated ledger of {entries} entries",
            "agreements": agreements, "parties": parties, "terms": terms, "evidence": evidence,
            "retractions": retractions, "changes": _changes(terms, changes, chooser),
            "assessments": assessments, "reviews": reviews}


def _assessments(evidence: list[dict[str, Any]], retractions: list[dict[str, Any]],
                 chooser: random.Random) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """One assessment per hundred entries, each on an entry's obligation for the quarter (or
    year) of its date and citing it, recorded after every entry; four in five approved by a
    second reader, a few rejected, the rest drafts."""
    gone = {retraction["evidence"] for retraction in retractions}
    assessments: list[dict[str, Any]] = []
    reviews: list[dict[str, Any]] = []
    assessed: set[tuple[str, str, str]] = set()
    levels = {"complies": 3, "partly": 2, "violates": 1}
    for number, entry in enumerate(evidence[::100]):
        date = entry["date"]
        period = date[:4] if len(date) == 4 else f"{date[:4]}-Q{(int(date[5:7]) - 1) // 3 + 1}"
        if entry["id"] in gone or (entry["term"], entry["subject"], period) in assessed:
            continue  # a clean ledger: one finding per obligation and period
        assessed.add((entry["term"], entry["subject"], period))
        moment = START + timedelta(days=1000, seconds=number)
        finding = chooser.choice(("complies", "partly", "violates"))
        assessment: dict[str, Any] = {
            "id": "", "term": entry["term"], "party": entry["subject"], "period": period,
            "finding": finding, "rationale": _sentence(chooser, 60, 200),
            "evidence": [entry["id"]],
            "recorded_at": moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "recorded_by": f"Analyst {number % 4}"}
        if number % 2:
            assessment["level"] = levels[finding]
        assessment["id"] = _digest(assessment)
        assessments.append(assessment)
        verdict = chooser.random()
        if verdict < 0.9:
            review = {"id": "", "assessment": assessment["id"],
                      "action": "approved" if verdict < 0.8 else "rejected",
                      "reason": _sentence(chooser, 20, 60),
                      "recorded_at": (moment + timedelta(days=2)).strftime(
                          "%Y-%m-%dT%H:%M:%S.%fZ"), "recorded_by": "Second Reader"}
            review["id"] = _digest(review)
            reviews.append(review)
    return assessments, reviews


def write(entries: int, path: Path, seed: int = 2020, changes: int = 0) -> None:
    """The generated ledger, written as `ledger` writes a file (the layout and order a user's
    file has: every command that changes a ledger writes it so)."""
    content = orjson.dumps(generate(entries, seed, changes))
    path.write_bytes(writing.serialize(loading.load_bytes(content, path).ledger))


def write_branches(entries: int, folder: Path, shared: float = 0.9, changes: int = 0
                   ) -> tuple[Path, Path, Path]:
    """Two analysts' copies of one ledger, each of `entries` entries, that share the first
    `shared` of them (the base): ours holds the generated rest, theirs as many entries of its
    own (the same with other summaries, so other ids). Returns base, ours and theirs."""
    whole = generate(entries, changes=changes)
    cut = int(entries * shared)
    evidence = whole["evidence"]
    theirs_own = []
    for record in evidence[cut:]:
        other = {**record, "summary": "Seen from the other branch. " + record["summary"]}
        other["id"] = _digest(other)
        theirs_own.append(other)

    def version(name: str, records: list[dict[str, Any]]) -> Path:
        """Written as the ledger writes its file (canonical order and layout), as a team's
        copies are."""
        kept = {record["id"] for record in records}
        path = folder / f"{name}.json"
        assessments = [item for item in whole["assessments"] if kept.issuperset(item["evidence"])]
        assessed = {item["id"] for item in assessments}
        content = orjson.dumps({**whole, "evidence": records, "retractions": [
            item for item in whole["retractions"] if item["evidence"] in kept],
            "assessments": assessments,
            "reviews": [item for item in whole["reviews"] if item["assessment"] in assessed]})
        path.write_bytes(writing.serialize(loading.load_bytes(content, path).ledger))
        return path

    return (version("base", evidence[:cut]), version("ours", evidence),
            version("theirs", evidence[:cut] + theirs_own))


def write_import_rows(ledger: Path, rows: int, out: Path, seed: int = 7) -> None:
    """A CSV of `rows` new evidence entries for the generated `ledger`, in the columns that
    `ledger evidence import` reads (those of `evidence list --format csv`)."""
    import csv

    chooser = random.Random(seed)
    terms = orjson.loads(ledger.read_bytes())["terms"]
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["date", "term", "subject", "claimant", "stance", "summary", "speaker",
                         "quote", "source", "publisher", "url", "source_date"])
        for number in range(rows):
            term = chooser.choice(terms)
            day = f"2025-{1 + number % 12:02d}-{1 + number % 28:02d}"
            writer.writerow([day, term["id"], chooser.choice(term["obligors"]),
                             f"party-{chooser.randrange(40):02d}",
                             chooser.choice(("claims", "disputes")),
                             _sentence(chooser, 100, 300), "A. Spokesperson",
                             _sentence(chooser, 50, 400), "Wire report", "Wire",
                             f"https://news.example.org/import/{number}", day])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("entries", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--changes", type=int, default=0,
                        help="also this many amendments and corrections of terms")
    arguments = parser.parse_args()
    write(arguments.entries, arguments.out, arguments.seed, arguments.changes)


if __name__ == "__main__":
    main()
