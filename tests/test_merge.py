"""The three-way merge by record, as a property: random pairs of branches grown from one
generated ledger merge with no record of either side lost, the same bytes in either order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_properties import ledgers

from ledger.core import edits, entry_edits
from ledger.core.errors import LedgerError
from ledger.core.model import RECORD_KINDS, ChangeKind, Ledger, RecordKind, Stance
from ledger.merge import threeway, versions
from ledger.storage import loading, writing

START = datetime(2030, 1, 1, tzinfo=UTC)
OPERATIONS = st.lists(st.tuples(
    st.sampled_from(["entry", "shared entry", "retract", "correct", "party", "amend"]),
    st.integers(0, 50), st.integers(0, 50), st.integers(0, 1000)), max_size=8)


def grow(ledger: Ledger, side: str, operations: list[tuple[str, int, int, int]]) -> Ledger:
    """One analyst's branch: each operation as the CLI would record it (refused ones skipped).
    A "shared entry" is the same entry, at the same moment, recorded on both branches."""
    for number, (kind, first, second, seed) in enumerate(operations):
        moment = START + timedelta(seconds=seed, microseconds=number)
        terms, entries = ledger.terms, ledger.evidence
        term = terms[first % len(terms)]
        try:
            if kind in ("entry", "shared entry"):
                ledger, _ = entry_edits.add_evidence(
                    ledger, term=term.id, subject=term.obligors[second % len(term.obligors)],
                    claimant=ledger.parties[second % len(ledger.parties)].id,
                    stance=Stance.CLAIMS if seed % 2 else Stance.DISPUTES,
                    date=f"20{20 + seed % 9}-0{1 + seed % 9}",
                    summary=f"Seen on {seed}" + ("" if kind == "shared entry" else f" by {side}"),
                    recorded_at=START + timedelta(seconds=seed) if kind == "shared entry"
                    else moment)
            elif kind == "retract" and entries:
                ledger, _ = entry_edits.retract(ledger, entries[first % len(entries)].id,
                                            reason=f"{side}: wrong", recorded_at=moment)
            elif kind == "correct" and entries:
                ledger, _ = entry_edits.correct_evidence(
                    ledger, entries[first % len(entries)].id, reason=f"{side}: misdated",
                    recorded_at=moment, date=f"20{20 + seed % 9}")
            elif kind == "party":
                ledger = edits.add_party(ledger, f"{side}-{number}",
                                           name=f"Qx{side}{number}{seed}", recorded_at=moment)
            elif kind == "amend":
                ledger, _ = edits.change_record(
                    ledger, RecordKind.TERM, term.id, kind=ChangeKind.AMENDMENT,
                    reason=f"{side}: moved", recorded_at=moment, effective="2031-01-01",
                    values={"due": f"2031-0{1 + seed % 9}-01"})
        except LedgerError:
            continue
    return ledger


def ids(ledger: Ledger) -> dict[str, dict[str, Any]]:
    return {field: {record.id: record for record in getattr(ledger, field)}
            for field, _, _ in RECORD_KINDS}


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(base=ledgers(), ours_operations=OPERATIONS, theirs_operations=OPERATIONS)
def test_branches_merge_without_loss_and_the_same_in_either_order(
        base: Ledger, ours_operations: list[tuple[str, int, int, int]],
        theirs_operations: list[tuple[str, int, int, int]]) -> None:
    base = loading.load_bytes(writing.serialize(base), Path("base.json")).ledger
    ours = grow(base, "ours", ours_operations)
    theirs = grow(base, "theirs", theirs_operations)
    one_way = threeway.merge(base, ours, theirs)
    other_way = threeway.merge(base, theirs, ours)
    assert one_way.conflicts == [] and other_way.conflicts == []
    result = writing.serialize(one_way.ledger)
    assert result == writing.serialize(other_way.ledger)

    merged = ids(loading.load_bytes(result, Path("merged.json")).ledger)
    for side in (ours, theirs):
        for field, records in ids(side).items():
            for id, record in records.items():
                assert merged[field].get(id) == record, f"{field} {id} lost or changed"
    expected = {field: set(records) for field, records in ids(ours).items()}
    for field, records in ids(theirs).items():
        expected[field] |= set(records)
    assert {field: set(records) for field, records in merged.items()} == expected

    as_files = versions.merge_versions(
        versions.Version(writing.serialize(base), Path("base.json")),
        versions.Version(writing.serialize(ours), Path("ours.json")),
        versions.Version(writing.serialize(theirs), Path("theirs.json")))
    assert as_files.content is not None, "files this program wrote take the fast path"
    assert as_files.content == result
    assert writing.serialize(as_files.ledger) == result


def test_a_record_deleted_on_one_side_is_a_conflict_and_stays() -> None:
    base = grow(loading.load_bytes(writing.serialize(_small()), Path("b")).ledger, "base",
                [("entry", 0, 0, 1), ("entry", 0, 1, 2)])
    ours = base.model_copy(update={"evidence": base.evidence[:1]})
    theirs = grow(base, "theirs", [("entry", 0, 0, 3)])
    merged = threeway.merge(base, ours, theirs)
    assert [str(conflict) for conflict in merged.conflicts] == [
        f"evidence entry {base.evidence[1].id}: deleted on our side (records are never deleted: "
        "retract or correct)"]
    assert len(merged.ledger.evidence) == 3


def test_a_record_deleted_on_both_sides_is_kept_and_named() -> None:
    """The sides agree, so it is no conflict; but records are never deleted: the base's version
    stays, the merge says so, and it is not counted as brought from their side. In a pick,
    where our side may never have held it, it is not brought in."""
    base = grow(loading.load_bytes(writing.serialize(_small()), Path("b")).ledger, "base",
                [("entry", 0, 0, 1), ("entry", 0, 1, 2)])
    doomed = base.evidence[1]
    ours = base.model_copy(update={"evidence": base.evidence[:1]})
    theirs = grow(ours, "theirs", [("party", 0, 0, 3)])
    merged = threeway.merge(base, ours, theirs)
    assert merged.conflicts == []
    assert doomed in merged.ledger.evidence and len(merged.ledger.evidence) == 2
    assert merged.added_from_theirs == 1, "their party, not the entry kept from the base"
    assert threeway.disagreements(merged) == [
        f"evidence entry {doomed.id}: deleted on both sides, and kept as the base held it "
        "(records are never deleted: retract or correct it instead)"]
    as_files = versions.merge_versions(*(
        versions.Version(writing.serialize(side), Path(f"{name}.json"))
        for side, name in ((base, "base"), (ours, "ours"), (theirs, "theirs"))))
    assert writing.serialize(as_files.ledger) == writing.serialize(merged.ledger)
    picked = threeway.merge(base, ours, theirs, picking=True)
    assert doomed not in picked.ledger.evidence and threeway.disagreements(picked) == []


def test_a_record_changed_in_place_is_a_conflict_and_ours_is_kept() -> None:
    base = loading.load_bytes(writing.serialize(_small()), Path("b")).ledger
    party = base.parties[0]
    theirs = base.model_copy(update={"parties": (party.model_copy(update={"name": "Renamed"}),
                                                 *base.parties[1:])})
    merged = threeway.merge(base, base, theirs)
    assert [str(conflict) for conflict in merged.conflicts] == [
        f"party {party.id!r}: changed in place on their side (records are never rewritten: "
        "record a correction instead)"]
    assert merged.ledger.parties[0] == party
    assert merged.conflicts[0].theirs.name == "Renamed"


def test_an_entry_left_dangling_by_a_conflict_is_left_out_and_named() -> None:
    """Both sides create term `t` with different obligors; their entry about their version's
    obligor cannot stay beside our version of the term."""
    base = loading.load_bytes(writing.serialize(_small()), Path("b")).ledger
    first, second = base.parties[0].id, base.parties[1].id

    def with_term(obligor: str) -> Ledger:
        return edits.add_term(base, "t", title="T", category="c", obligors=(obligor,),
                                agreement=base.agreements[0].id, recorded_at=START)

    ours = with_term(first)
    theirs, entry = entry_edits.add_evidence(with_term(second), term="t", claimant=second,
                                         stance=Stance.CLAIMS, date="2030", summary="S",
                                         recorded_at=START + timedelta(seconds=1))
    merged = threeway.merge(base, ours, theirs)
    assert [conflict.what for conflict in merged.conflicts] == ["term 't'",
                                                                f"evidence entry {entry.id}"]
    assert merged.conflicts[1].reason.startswith(f"left out: party {second!r} is not an obligor")
    assert merged.ledger.evidence == ()
    loading.load_bytes(writing.serialize(merged.ledger), Path("valid.json"))


def _small() -> Ledger:
    from builders import base_ledger

    return base_ledger()


def _files(base: Ledger, ours: Ledger, theirs: Ledger) -> threeway.Merged:
    return versions.merge_versions(*(
        versions.Version(writing.serialize(ledger), Path(f"{name}.json"))
        for name, ledger in (("base", base), ("ours", ours),
                                                       ("theirs", theirs))))


def _grown() -> Ledger:
    return grow(loading.load_bytes(writing.serialize(_small()), Path("b")).ledger, "base",
                [("entry", 0, 0, 1), ("entry", 1, 1, 2), ("retract", 0, 0, 3)])


def _renamed_first_party(ledger: Ledger, name: str) -> Ledger:
    return ledger.model_copy(update={"parties": (
        ledger.parties[0].model_copy(update={"name": name}), *ledger.parties[1:])})


CONFLICTS = {
    "an entry deleted": (lambda base: base.model_copy(update={"evidence": base.evidence[:1]}),
                         lambda base: base, "deleted on our side"),
    "a party renamed in place": (lambda base: base,
                                 lambda base: _renamed_first_party(base, "Elsewhere"),
                                 "changed in place on their side"),
    "one party added twice": (
        lambda base: edits.add_party(base, "x", name="Ex", recorded_at=START),
        lambda base: edits.add_party(base, "x", name="Why", recorded_at=START),
        "added on both sides with different content"),
    "the title changed twice": (lambda base: base.model_copy(update={"title": "Ours"}),
                                lambda base: base.model_copy(update={"title": "Theirs"}),
                                "changed on both sides"),
}


@pytest.mark.parametrize("case", CONFLICTS)
def test_files_in_conflict_never_take_the_fast_path(case: str) -> None:
    """The fast path answers only for a clean merge: each conflict is the careful path's."""
    base = _grown()
    make_ours, make_theirs, reason = CONFLICTS[case]
    merged = _files(base, make_ours(base), make_theirs(base))
    assert merged.content is None
    assert [conflict.reason for conflict in merged.conflicts] == [
        next(conflict.reason for conflict in threeway.merge(base, make_ours(base),
                                                          make_theirs(base)).conflicts)]
    assert merged.conflicts[0].reason.startswith(reason)


def test_a_file_in_another_layout_merges_the_careful_way_to_the_same_result() -> None:
    import orjson

    base = _grown()
    ours = grow(base, "ours", [("entry", 0, 1, 5)])
    theirs = grow(base, "theirs", [("party", 0, 0, 6), ("retract", 1, 0, 7)])
    expected = _files(base, ours, theirs)
    compact = versions.Version(orjson.dumps(orjson.loads(writing.serialize(theirs))),
                               Path("t.json"))
    merged = versions.merge_versions(versions.Version(writing.serialize(base), Path("b.json")),
                                     versions.Version(writing.serialize(ours), Path("o.json")),
                                     compact)
    assert merged.content is None and merged.conflicts == []
    assert expected.content == writing.serialize(merged.ledger)


def _in_given_order(ledger: Ledger) -> bytes:
    """The ledger in the file's layout but with its lists in the order given: a file whose
    records someone reordered by hand."""
    from ledger.core import safejson

    return safejson.dumps(ledger.model_dump(mode="json", exclude_none=True))


@pytest.mark.parametrize("reordered", ["base", "ours"])
def test_records_out_of_canonical_order_come_out_in_it(reordered: str) -> None:
    base = _grown()
    ours = grow(base, "ours", [("entry", 0, 1, 9)])
    early = entry_edits.add_evidence(base, term=base.terms[0].id, claimant=base.parties[0].id,
                                 subject=base.terms[0].obligors[0], stance=Stance.CLAIMS,
                                 date="2024", summary="Recorded before the rest",
                                 recorded_at=START - timedelta(days=400))[1]
    if reordered == "ours":
        ours = ours.model_copy(update={"evidence": (*ours.evidence, early)})
        base_text, ours_text = writing.serialize(base), _in_given_order(ours)
    else:
        base = base.model_copy(update={"evidence": (*base.evidence, early)})
        ours = ours.model_copy(update={"evidence": (*ours.evidence[:-1], early,
                                                    ours.evidence[-1])})
        base_text, ours_text = _in_given_order(base), _in_given_order(ours)
    assert ours_text != writing.serialize(ours), "the file is out of canonical order"
    merged = versions.merge_versions(versions.Version(base_text, Path("b.json")),
                                  versions.Version(ours_text, Path("o.json")),
                                  versions.Version(base_text, Path("t.json")))
    assert merged.conflicts == []
    assert (merged.content or writing.serialize(merged.ledger)) == writing.serialize(
        threeway.merge(base, ours, base).ledger)


def _amended(ledger: Ledger, due: str, moment: datetime) -> Ledger:
    term = ledger.terms[0].id
    amended, _ = edits.change_record(ledger, RecordKind.TERM, term, kind=ChangeKind.AMENDMENT,
                                       reason=f"moved to {due}", recorded_at=moment,
                                       effective="2031-01-01", values={"due": due})
    return amended


def _due_in_force(ledger: Ledger) -> str | None:
    from ledger.core import clocks

    term = ledger.terms[0]
    grouped = clocks.changes_by_record(ledger.changes).get((RecordKind.TERM, term.id), [])
    return clocks.apply(term, grouped, datetime(2031, 6, 1).date()).due


@pytest.mark.parametrize("case", ["same moment", "three changes"])
def test_a_disagreement_names_the_change_the_rules_apply_last(case: str) -> None:
    """Two amendments recorded at the same moment are applied by id; of three, the last applied
    is named once, whichever side recorded the others."""
    base = _grown()
    if case == "same moment":
        ours = _amended(base, "2031-03-01", START)
        theirs = _amended(base, "2031-09-01", START)
    else:
        theirs = _amended(_amended(base, "2031-02-01", START + timedelta(days=1)), "2031-04-01",
                          START + timedelta(days=3))
        ours = _amended(base, "2031-03-01", START + timedelta(days=2))
    merged = _files(base, ours, theirs)
    said = threeway.disagreements(merged)
    assert len(said) == 1, said
    in_force = _due_in_force(merged.ledger)
    winner = next(change for change in merged.ledger.changes if change.values.due == in_force)
    side = "our" if winner in ours.changes else "their"
    assert f"{side} side's change {winner.id}, applied last, is in force" in said[0]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledger=ledgers())
def test_what_a_record_names_is_what_the_reference_check_needs(ledger: Ledger) -> None:
    """`references_of` (what a pick brings along) is held to `reference_findings`: without any
    record that another names, the ledger fails the reference check."""
    from ledger.core.references import reference_findings, references_of

    assert reference_findings(ledger) == []
    named = {reference for field, _, _ in RECORD_KINDS for record in getattr(ledger, field)
             for reference in references_of(record)}
    for field, id in named:
        without = ledger.model_copy(update={field: tuple(
            record for record in getattr(ledger, field) if record.id != id)})
        assert reference_findings(without), (field, id)


def test_a_picked_entry_brings_the_change_that_made_its_subject_an_obligor() -> None:
    """A commit that records an entry about a party whom an earlier commit of its branch made
    an obligor: the pick brings that change with it, and leaves the rest of the branch."""
    main = _grown()
    amended, change = edits.change_record(
        main, RecordKind.TERM, "withdraw", kind=ChangeKind.CORRECTION, reason="both are bound",
        recorded_at=START + timedelta(days=1), values={"obligors": ("north", "south")})
    unrelated = edits.add_party(amended, "observer", name="Observers",
                                  recorded_at=START + timedelta(days=2))
    picked, entry = entry_edits.add_evidence(
        unrelated, term="withdraw", subject="south", claimant="monitor", stance=Stance.DISPUTES,
        date="2030-01", summary="South still there", recorded_at=START + timedelta(days=3))
    merged = threeway.merge(unrelated, main, picked, picking=True)
    assert merged.conflicts == []
    assert entry.id in {item.id for item in merged.ledger.evidence}
    assert change.id in {item.id for item in merged.ledger.changes}
    assert (merged.brought_along, merged.left_behind_names) == (1, ("party 'observer'",))
