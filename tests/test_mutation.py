"""Every out-of-band change to a recorded entry is caught: by `check`, or by `check --against`."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from builders import generated_ledger
from conftest import Run, ok

from ledger.core.model import Evidence, Ledger, Source, Stance
from ledger.storage import loading, writing

ALTERATIONS = ["summary", "date", "stance", "claimant", "recorded_at", "quote", "speaker",
               "source", "subject"]


def altered(entry: Evidence, field: str, ledger: Ledger) -> Evidence:
    """`entry` with one field changed to another valid value; the id is left as it was."""
    term = next(term for term in ledger.terms if term.id == entry.term)
    if field == "subject" and len(term.obligors) == 1:
        field = "summary"
    match field:
        case "summary":
            changes: dict[str, object] = {"summary": entry.summary + "."}
        case "date":
            changes = {"date": "2023" if entry.date != "2023" else "2022"}
        case "stance":
            changes = {"stance": Stance.CLAIMS if entry.stance is Stance.DISPUTES
                       else Stance.DISPUTES}
        case "claimant":
            changes = {"claimant": "north" if entry.claimant != "north" else "south"}
        case "recorded_at":
            changes = {"recorded_at": entry.recorded_at.replace("2024-", "2025-")}
        case "quote":
            changes = {"quote": (entry.quote or "") + " (and more)"}
        case "speaker":
            changes = {"speaker": "Someone else"}
        case "source":
            changes = {"source": Source(title="Another bulletin")}
        case _:
            changes = {"subject": next(party for party in term.obligors
                                       if party != entry.subject)}
    return entry.model_copy(update=changes)


@pytest.mark.slow
def test_every_alteration_and_deletion_is_detected(run: Run, tmp_path: Path,
                                                  capsys: object) -> None:
    original = generated_ledger(60, seed=11, retract_every=4)
    kept = tmp_path / "kept.json"
    kept.write_bytes(writing.serialize(original))
    current = tmp_path / "ledger.json"
    detected: Counter[str] = Counter()
    total: Counter[str] = Counter()

    def check(ledger: Ledger, *options: str) -> str:
        current.write_bytes(writing.serialize(ledger))
        result = run("check", *options, file=current)
        return result.stderr if result.exit_code == 1 else ""

    retraction_of = {retraction.evidence: retraction for retraction in original.retractions}
    for position, entry in enumerate(original.evidence):
        field = ALTERATIONS[position % len(ALTERATIONS)]
        evidence = list(original.evidence)
        evidence[position] = altered(entry, field, original)
        assert evidence[position] != entry
        total["altered entry"] += 1
        message = f"evidence entry {entry.id} was changed after it was recorded"
        detected["altered entry"] += message in check(
            original.model_copy(update={"evidence": tuple(evidence)}))

        retraction = retraction_of.get(entry.id)
        remaining = tuple(item for item in original.evidence if item.id != entry.id)
        kept_retractions = tuple(item for item in original.retractions if item is not retraction)
        total["deleted entry"] += 1
        detected["deleted entry"] += f"evidence entry {entry.id} is missing from" in check(
            original.model_copy(update={"evidence": remaining, "retractions": kept_retractions}),
            "--against", str(kept))

        if retraction is not None:
            total["deleted retraction"] += 1
            detected["deleted retraction"] += f"retraction {retraction.id} is missing from" in \
                check(original.model_copy(update={"retractions": kept_retractions}),
                      "--against", str(kept))
            total["altered retraction"] += 1
            changed = tuple(item.model_copy(update={"reason": item.reason + "!"})
                            if item is retraction else item for item in original.retractions)
            detected["altered retraction"] += f"retraction {retraction.id} was changed" in check(
                original.model_copy(update={"retractions": changed}))

    for kind in total:
        print(f"{kind}: detected {detected[kind]}/{total[kind]}")
    assert total["altered entry"] == 60 and total["deleted retraction"] == 15
    assert detected == total
    assert ok(run("check", "--against", str(kept), file=kept)).stdout.endswith(
        f"only grew since {kept}\n")


def test_a_merge_of_two_grown_copies_passes_against_both(run: Run, tmp_path: Path) -> None:
    """Two people add entries to copies of one ledger; the merged file only grew from each."""
    original = generated_ledger(10, seed=3)
    kept = tmp_path / "kept.json"
    kept.write_bytes(writing.serialize(original))
    copies = []
    for name in ("alice", "bob"):
        path = tmp_path / f"{name}.json"
        path.write_bytes(writing.serialize(original))
        entry = ok(run("evidence", "add", "--term", "withdraw", "--claimant", "monitor",
                       "--stance", "claims", "--date", "2024", "--summary", f"by {name}",
                       file=path)).stdout.strip()
        copies.append((path, entry))
    alice = loading.load(copies[0][0]).ledger
    bob = loading.load(copies[1][0]).ledger
    merged = alice.model_copy(update={"evidence": alice.evidence + bob.evidence[-1:]})
    path = tmp_path / "merged.json"
    path.write_bytes(writing.serialize(merged))
    assert copies[0][1] != copies[1][1]
    for against in (kept, copies[0][0], copies[1][0]):
        ok(run("check", "--against", str(against), file=path))
