"""Three-way merge of two versions of a ledger by record: what either side added is kept once;
what cannot be merged is a conflict, a value, with both versions.

Every record has an id (a slug chosen by the user, or the digest of an entry, retraction or
change), so two copies of one ledger merge record by record, never line by line: evidence,
retractions, amendments and corrections added on two branches never conflict, even two
retractions of the same entry (both are kept; the entry is retracted). The result is put in the
canonical order on saving (`writing.serialize`), so merging A into B and B into A gives the same
bytes.

A genuine conflict is the same id holding different content on the two sides (the same slug
created twice, or a record rewritten in place), or a record deleted on one side only: records are
never rewritten or deleted, so the merge cannot choose. It keeps our version of that record (so
that what refers to it still resolves), everything else merged, and says what the other side
held. A record of the base deleted on both sides is no conflict (the sides agree) but is not
theirs to delete either: the merge keeps the base's version and names it (`disagreements`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from ledger.core.clocks import in_order
from ledger.core.model import (
    RECORD_KINDS,
    Change,
    Kept,
    Ledger,
    Record,
    RecordKind,
)
from ledger.core.references import obligations_in, reference_findings, references_of


@dataclass(frozen=True)
class Conflict:
    """One record (or the title) that the merge could not decide, with each side's version."""

    what: str
    """`party 'north'`, `evidence entry 3fa2…`, `the ledger's title`."""
    reason: str
    ours: Any
    """Our version (a record or the title), None where our side has none."""
    theirs: Any
    left_out: bool = False
    """The record is not in the merged file (its reference no longer resolves there)."""

    def __str__(self) -> str:
        return f"{self.what}: {self.reason}"


@dataclass(frozen=True)
class Merged:
    """The merged ledger (valid: every reference resolves) and the conflicts, if any."""

    ledger: Ledger
    conflicts: list[Conflict]
    added_from_theirs: int = 0
    """Records and changes of their side that ours lacked."""
    content: bytes | None = None
    """The file's bytes, when the merge made them (else `writing.serialize(ledger)`)."""
    ours_only: frozenset[tuple[str, str]] = frozenset()
    """(list, id) of each record that our side holds and theirs does not."""
    theirs_only: frozenset[tuple[str, str]] = frozenset()
    left_behind: int = 0
    """Records of a picked commit's parent that ours never held, not brought in (`merge`)."""
    brought_along: int = 0
    """Records of its parent that what a picked commit changed needs, brought in with it."""
    left_behind_names: tuple[str, ...] = ()
    """`party 'west'`, ...: the records left behind, named."""
    deleted_on_both: tuple[str, ...] = ()
    """`evidence entry 3fa2…`, ...: records of the base that both sides deleted, kept as the
    base held them (records are never deleted)."""


def merge(base: Ledger | None, ours: Ledger, theirs: Ledger, *, picking: bool = False
          ) -> Merged:
    """Merge `theirs` into `ours`, both grown from `base` (None: no common version, as git's
    empty base for a file added on both branches).

    `picking`: `theirs` is a commit picked onto ours (`git cherry-pick`), and `base` its
    parent: a record of the base that ours lacks and theirs holds unchanged was not deleted on
    our side but never came to our branch, and the pick takes only what the commit changed.
    """
    conflicts: list[Conflict] = []
    update: dict[str, Any] = {}
    left: dict[str, dict[str, Record]] = {}
    restored: list[str] = []
    for field, what, _ in RECORD_KINDS:
        kept, left[field] = _merge_records(
            getattr(base, field) if base is not None else (), getattr(ours, field),
            getattr(theirs, field), what, conflicts, picking=picking, restored=restored)
        update[field] = tuple(kept)
    brought = _bring_what_is_needed(update, left)
    left_behind = sum(map(len, left.values()))
    left_names = tuple(named_record(what, id) for field, what, _ in RECORD_KINDS
                       for id in left[field])
    title = three_way(base.title if base is not None else None, ours.title, theirs.title)
    if title is None:
        conflicts.append(Conflict("the ledger's title", "changed on both sides", ours.title,
                                  theirs.title))
        title = ours.title
    merged = ours.model_copy(update={**update, "title": title})
    merged, conflicts = _without_dangling(merged, ours, theirs, conflicts)
    added = sum(len({record.id for record in getattr(merged, field)}
                    - {record.id for record in getattr(ours, field)})
                for field, _, _ in RECORD_KINDS) - len(restored)
    held = [{(field, record.id) for field, _, _ in RECORD_KINDS for record in getattr(side, field)}
            for side in (ours, theirs)]
    return Merged(merged, conflicts, added, ours_only=frozenset(held[0] - held[1]),
                  theirs_only=frozenset(held[1] - held[0]), left_behind=left_behind,
                  brought_along=brought, left_behind_names=left_names,
                  deleted_on_both=tuple(restored))


def _bring_what_is_needed(lists: dict[str, Any], left: dict[str, dict[str, Record]]) -> int:
    """Put back into `lists` each record a pick left behind (`left`, taken from it) that a
    kept record needs (`references_of`; a change that made an entry's subject an obligor), and
    what those need in turn: a picked commit brings what it changed and what that needs. How
    many came back."""
    brought = 0
    if not any(left.values()):
        return brought
    wanted = [reference for records in lists.values() for record in records
              for reference in references_of(record)]
    while wanted:
        while wanted:
            field, id = wanted.pop()
            record = left[field].pop(id, None)
            if record is not None:
                lists[field] = (*lists[field], record)
                brought += 1
                wanted += references_of(record)
        unbound = ({(entry.term, entry.subject) for entry in lists["evidence"]}
                   - obligations_in(lists["terms"], lists["changes"]))
        wanted += [("changes", change.id) for change in left["changes"].values()
                   if isinstance(change, Change) and change.of is RecordKind.TERM
                   and any((change.record, party) in unbound
                           for party in change.values.obligors or ())]
    return brought


def _merge_records(base: Iterable[Record], ours: Iterable[Record], theirs: Iterable[Record],
                   what: str, conflicts: list[Conflict], *, picking: bool = False,
                   restored: list[str] | None = None
                   ) -> tuple[list[Record], dict[str, Record]]:
    """One list merged, and the records of the base that a pick left behind (see `merge`).
    A record of the base that both sides deleted is kept, and named in `restored`; not in a
    pick, where our side may never have held it."""
    def by_id(records: Iterable[Record]) -> dict[str, Record]:
        return {record.id: record for record in records}  # type: ignore[attr-defined]

    old, mine, other = by_id(base), by_id(ours), by_id(theirs)
    kept: list[Record] = []
    left_behind: dict[str, Record] = {}
    if not picking:
        for id, deleted in old.items():
            if id not in mine and id not in other:
                kept.append(deleted)
                if restored is not None:
                    restored.append(named_record(what, id))
    for id in {**mine, **other}:
        before, ours_now, theirs_now = old.get(id), mine.get(id), other.get(id)
        if picking and ours_now is None and before is not None and theirs_now == before:
            left_behind[id] = before
            continue
        present = ours_now if ours_now is not None else theirs_now
        assert present is not None
        kept.append(present)
        if ours_now == theirs_now:
            continue
        if ours_now is None or theirs_now is None:
            if before is None:
                continue  # added on one side
            side = "our" if ours_now is None else "their"
            reason = (f"deleted on {side} side (records are never deleted: retract or correct)"
                      if before == present else f"deleted on {side} side and changed on the other")
        elif before is None:
            reason = "added on both sides with different content"
        else:
            side = ("their" if before == ours_now else "our" if before == theirs_now
                    else "each")
            reason = (f"changed in place on {side} side (records are never rewritten: record "
                      "a correction instead)")
        conflicts.append(Conflict(named_record(what, id), reason, ours_now, theirs_now))
    return kept, left_behind


def named_record(what: str, id: str) -> str:
    """`party 'north'` for a slug the user chose; `evidence entry 3fa2…` for a digest."""
    return f"{what} {id}" if what in _NAMED_BY_DIGEST else f"{what} {id!r}"


_NAMED_BY_DIGEST = {what for _, what, kind in RECORD_KINDS if not issubclass(kind, Kept)}


_Value = TypeVar("_Value")


def three_way(base: _Value | None, ours: _Value, theirs: _Value) -> _Value | None:
    """The merged value of one field: the side that changed it, or None when both changed it
    differently."""
    if ours == theirs or theirs == base:
        return ours
    return theirs if ours == base else None


def _without_dangling(merged: Ledger, ours: Ledger, theirs: Ledger,
                      conflicts: list[Conflict]) -> tuple[Ledger, list[Conflict]]:
    """The merged ledger less each record whose reference no longer resolves, each a conflict.

    This happens only next to another conflict: their entry about a term that each side created
    with different obligors, say, while the merge kept our version of the term.
    """
    while True:
        findings = reference_findings(merged)
        if not findings:
            return merged, conflicts
        dropped: dict[str, set[int]] = {}
        for finding in findings:
            field, position = finding.location[0], finding.location[1]
            assert isinstance(field, str) and isinstance(position, int)
            if position in dropped.setdefault(field, set()):
                continue
            dropped[field].add(position)
            record = getattr(merged, field)[position]
            what = next(name for kind, name, _ in RECORD_KINDS if kind == field)
            mine = {item.id: item for item in getattr(ours, field)}.get(record.id)
            other = {item.id: item for item in getattr(theirs, field)}.get(record.id)
            conflicts.append(Conflict(named_record(what, record.id),
                                      f"left out: {finding.message} after the merge",
                                      mine, other, left_out=True))
        merged = merged.model_copy(update={
            field: tuple(record for position, record in enumerate(getattr(merged, field))
                         if position not in positions)
            for field, positions in dropped.items()})


def disagreements(merged: Merged) -> list[str]:
    """What the two sides recorded differently about one thing, where the ledger's rules decide
    without a conflict: two amendments of a record effective the same day, or two corrections
    of it, that set a field differently (the one recorded later is in force); an entry
    corrected on both sides (both corrections count); an entry retracted on one side and
    corrected on the other (the correction counts). Each side's record is valid and is kept;
    which is right is for the analysts to say, so the merge says what it holds. And a record
    of the base that both sides deleted: kept, for records are never deleted."""
    ledger = merged.ledger
    sides = {"our": merged.ours_only, "their": merged.theirs_only}

    def side_of(field: str, id: str) -> str | None:
        return next((side for side, held in sides.items() if (field, id) in held), None)

    said: list[str] = []
    changes: dict[tuple[RecordKind, str, str | None], list[Change]] = {}
    for change in ledger.changes:
        if side_of("changes", change.id) is not None:
            changes.setdefault((change.of, change.record, change.effective), []).append(change)
    for (of, record, effective), changed in changes.items():
        # in the order the rules apply them (`clocks.in_order`): the last to set a field wins
        settings: dict[str, list[tuple[Change, object]]] = {}
        for change in in_order(changed):
            for field, value in _settings(change).items():
                settings.setdefault(field, []).append((change, value))
        contested: dict[Change, list[str]] = {}
        for field, setting in settings.items():
            if (len({side_of("changes", change.id) for change, _ in setting}) == 2
                    and any(value != setting[0][1] for _, value in setting)):
                contested.setdefault(setting[-1][0], []).append(field)
        for winner, fields in contested.items():
            how = (f"amended it effective {effective}" if effective is not None
                   else "corrected it")
            named = {side: [change.id for change in changed if side_of("changes", change.id)
                            == side and any(field in _settings(change) for field in fields)]
                     for side in ("our", "their")}
            again = (f"ledger {of.value} amend {record} --effective {effective}"
                     if effective is not None else f"ledger {of.value} correct {record}")
            said.append(
                f"{of.value} {record!r}: both sides {how}, setting {', '.join(fields)} "
                f"differently (ours: {', '.join(named['our'])}; theirs: "
                f"{', '.join(named['their'])}): {side_of('changes', winner.id)} side's change "
                f"{winner.id}, applied last, is in force; if it is wrong, record another "
                f"(`{again} --{fields[0].replace('_', '-')} ... --reason ...`)")
    corrections: dict[str, dict[str | None, str]] = {}
    for entry in ledger.evidence:
        if entry.corrects is not None and side_of("evidence", entry.id) is not None:
            corrections.setdefault(entry.corrects, {})[side_of("evidence", entry.id)] = entry.id
    for corrected, by_side in corrections.items():
        if len(by_side) == 2:
            said.append(f"evidence entry {corrected}: corrected on both sides (by "
                        f"{by_side['our']} on ours, {by_side['their']} on theirs): both "
                        "corrections count; retract the one that is wrong")
    for retraction in ledger.retractions:
        side = side_of("retractions", retraction.id)
        by_side = corrections.get(retraction.evidence, {})
        if side is not None and len(by_side) == 1 and side not in by_side:
            correction = next(iter(by_side.values()))
            said.append(f"evidence entry {retraction.evidence}: retracted on {side} side "
                        f"({retraction.reason!r}) and corrected on the other (by {correction}): "
                        f"the correction counts; retract {correction} too if the entry should "
                        "not count at all")
    said += [f"{record}: deleted on both sides, and kept as the base held it (records are never "
             "deleted: retract or correct it instead)" for record in merged.deleted_on_both]
    return said


def _settings(change: Change) -> dict[str, object]:
    """The fields a change sets, with their values (None for a field it clears)."""
    return {**{field: getattr(change.values, field) for field in change.values.model_fields_set},
            **dict.fromkeys(change.cleared)}


# --- the fast path: files as this program writes them --------------------------------------


