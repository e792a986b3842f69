"""Ledgers built in memory for the stress, property and mutation tests."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

from ledger.core.digests import record_digest
from ledger.core.digests import sealed as seal
from ledger.core.model import (
    Agreement,
    Evidence,
    Ledger,
    Party,
    Retraction,
    Role,
    Source,
    Stance,
    Term,
)

START = datetime(2024, 1, 1, tzinfo=UTC)
_Kept = TypeVar("_Kept", Agreement, Party, Term)


def sealed(record: Evidence | Retraction) -> Evidence | Retraction:
    """The record with the id its content implies."""
    return record.model_copy(update={"id": record_digest(record)})


def _sealed_all(ledger: Ledger) -> Ledger:
    """Agreements, parties and terms recorded in order (a day before the first entry) and with
    the digests their content implies, as the CLI would have made them."""
    moments = iter(range(100))

    def recorded(record: _Kept) -> _Kept:
        moment = START - timedelta(days=1) + timedelta(microseconds=next(moments))
        return seal(record.model_copy(
            update={"recorded_at": moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")}))

    return ledger.model_copy(update={
        field: tuple(map(recorded, getattr(ledger, field)))
        for field in ("agreements", "parties", "terms")
    })


def base_ledger() -> Ledger:
    parties = (
        Party(id="north", name="Northland", role=Role.SIGNATORY),
        Party(id="south", name="Southland", role=Role.SIGNATORY),
        Party(id="monitor", name="Monitors", role=Role.MONITOR),
    )
    return _sealed_all(Ledger(
        title="Generated",
        parties=parties,
        agreements=(Agreement(id="accord", title="Accord", signed="2024-01-01",
                              signatories=("north", "south")),),
        terms=(
            Term(id="withdraw", agreement="accord", title="Withdraw", category="withdrawal",
                 obligors=("north",), due="2024-06-30"),
            Term(id="release", agreement="accord", title="Release", category="prisoners",
                 obligors=("north", "south")),
        ),
    ))


def generated_ledger(entries: int, seed: int = 7, retract_every: int = 10) -> Ledger:
    """A valid ledger with `entries` evidence entries and a retraction for every tenth."""
    chooser = random.Random(seed)
    ledger = base_ledger()
    evidence: list[Evidence] = []
    retractions: list[Retraction] = []
    for number in range(entries):
        term = chooser.choice(ledger.terms)
        moment = START + timedelta(seconds=number)
        entry = sealed(Evidence(
            id="0" * 12, term=term.id, subject=chooser.choice(term.obligors),
            claimant=chooser.choice(["north", "south", "monitor"]),
            stance=chooser.choice(list(Stance)),
            date=chooser.choice(["2024", "2024-03", "2024-05-17"]),
            recorded_at=moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            summary=f"Entry {number}: Ümlaut, 中文, emoji ☮ and a long enough sentence.",
            speaker=chooser.choice([None, "A. Speaker"]),
            quote=chooser.choice([None, f"Quote number {number}"]),
            source=chooser.choice([None, Source(title="Bulletin", url=f"https://e.org/{number}",
                                                date="2024-03")]),
        ))
        assert isinstance(entry, Evidence)
        evidence.append(entry)
        if retract_every and number % retract_every == retract_every - 1:
            retraction = sealed(Retraction(
                id="0" * 12, evidence=entry.id, reason=f"retracted {number}",
                recorded_at=(moment + timedelta(days=400)).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            ))
            assert isinstance(retraction, Retraction)
            retractions.append(retraction)
    return ledger.model_copy(update={"evidence": tuple(evidence),
                                     "retractions": tuple(retractions)})


def write_csv(path: Path, rows: list[list[str]], delimiter: str = ",", bom: bool = False) -> Path:
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8"))
    return path
