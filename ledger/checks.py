"""Every check that `ledger check` runs, as plain functions in one registry; findings are values."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ledger.errors import Finding
from ledger.model import Evidence, Ledger, Retraction, record_digest


@dataclass(frozen=True)
class CheckContext:
    """What the checks look at. The reference checks already ran when the ledger was loaded."""

    ledger: Ledger
    ledger_folder: Path
    sources_folder: Path | None = None


Check = Callable[[CheckContext], Iterator[Finding]]
CHECKS: list[Check] = []


def check(function: Check) -> Check:
    CHECKS.append(function)
    return function


def _recorded(ledger: Ledger) -> list[tuple[str, Sequence[Evidence | Retraction]]]:
    """The append-only parts of a ledger, by the name of their list in the file."""
    return [("evidence", ledger.evidence), ("retractions", ledger.retractions)]


@check
def content_digests(context: CheckContext) -> Iterator[Finding]:
    """An entry or retraction whose id no longer matches its content was edited after recording."""
    for kind, records in _recorded(context.ledger):
        for position, record in enumerate(records):
            expected = record_digest(record)
            if record.id != expected:
                what = "evidence entry" if kind == "evidence" else "retraction"
                yield Finding(
                    (kind, position, "id"),
                    f"{what} {record.id} was changed after it was recorded "
                    f"(its content now hashes to {expected})",
                )


@check
def duplicate_retractions(context: CheckContext) -> Iterator[Finding]:
    first: dict[str, int] = {}
    for position, retraction in enumerate(context.ledger.retractions):
        if retraction.evidence in first:
            yield Finding(
                ("retractions", position, "evidence"),
                f"evidence {retraction.evidence} is retracted twice "
                f"(first at retractions[{first[retraction.evidence]}])",
            )
        else:
            first[retraction.evidence] = position


def run_checks(context: CheckContext) -> list[Finding]:
    return [finding for function in CHECKS for finding in function(context)]


def growth_findings(kept: Ledger, current: Ledger, current_name: str) -> list[Finding]:
    """Every evidence entry and retraction of `kept` that `current` lacks or holds changed.

    Placed in the kept copy. Comparing records by id, not a hash chain, keeps this true after two
    copies of a ledger are merged.
    """
    findings: list[Finding] = []
    for (kind, kept_records), (_, current_records) in zip(
        _recorded(kept), _recorded(current), strict=True
    ):
        by_id = {record.id: record for record in current_records}
        what = "evidence entry" if kind == "evidence" else "retraction"
        for position, record in enumerate(kept_records):
            now = by_id.get(record.id)
            if now is None:
                findings.append(Finding((kind, position, "id"),
                                        f"{what} {record.id} is missing from {current_name}"))
            elif now != record:
                findings.append(Finding((kind, position, "id"),
                                        f"{what} {record.id} was changed in {current_name}"))
    return findings
