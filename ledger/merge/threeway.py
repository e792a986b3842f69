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
held.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from operator import le
from pathlib import Path
from typing import Any, TypeVar

from ledger.core.clocks import in_order
from ledger.core.model import (
    RECORD_KINDS,
    SCHEMA_VERSION,
    Change,
    Kept,
    Ledger,
    Record,
    RecordKind,
)
from ledger.core.references import obligations_in, reference_findings, references_of
from ledger.storage.layout import BETWEEN_RECORDS, ID_LINE, Text, assemble, split


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
    for field, what, _ in RECORD_KINDS:
        kept, left[field] = _merge_records(
            getattr(base, field) if base is not None else (), getattr(ours, field),
            getattr(theirs, field), what, conflicts, picking=picking)
        update[field] = tuple(kept)
    brought = _bring_what_is_needed(update, left)
    left_behind = sum(map(len, left.values()))
    left_names = tuple(_named(what, id) for field, what, _ in RECORD_KINDS for id in left[field])
    title = three_way(base.title if base is not None else None, ours.title, theirs.title)
    if title is None:
        conflicts.append(Conflict("the ledger's title", "changed on both sides", ours.title,
                                  theirs.title))
        title = ours.title
    merged = ours.model_copy(update={**update, "title": title})
    merged, conflicts = _without_dangling(merged, ours, theirs, conflicts)
    added = sum(len({record.id for record in getattr(merged, field)}
                    - {record.id for record in getattr(ours, field)})
                for field, _, _ in RECORD_KINDS)
    held = [{(field, record.id) for field, _, _ in RECORD_KINDS for record in getattr(side, field)}
            for side in (ours, theirs)]
    return Merged(merged, conflicts, added, ours_only=frozenset(held[0] - held[1]),
                  theirs_only=frozenset(held[1] - held[0]), left_behind=left_behind,
                  brought_along=brought, left_behind_names=left_names)


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
                   what: str, conflicts: list[Conflict], *, picking: bool = False
                   ) -> tuple[list[Record], dict[str, Record]]:
    """One list merged, and the records of the base that a pick left behind (see `merge`)."""
    def by_id(records: Iterable[Record]) -> dict[str, Record]:
        return {record.id: record for record in records}  # type: ignore[attr-defined]

    old, mine, other = by_id(base), by_id(ours), by_id(theirs)
    kept: list[Record] = []
    left_behind: dict[str, Record] = {}
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
        conflicts.append(Conflict(_named(what, id), reason, ours_now, theirs_now))
    return kept, left_behind


def _named(what: str, id: str) -> str:
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
            conflicts.append(Conflict(_named(what, record.id),
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
    which is right is for the analysts to say, so the merge says what it holds."""
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
        # in the order the rules apply them (`history.in_order`): the last to set a field wins
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
    return said


def _settings(change: Change) -> dict[str, object]:
    """The fields a change sets, with their values (None for a field it clears)."""
    return {**{field: getattr(change.values, field) for field in change.values.model_fields_set},
            **dict.fromkeys(change.cleared)}


@dataclass(frozen=True)
class Version:
    """One side's file as read: its bytes, and the name that problems in it are placed under."""

    raw: bytes
    name: Path


def merge_versions(base: Version | None, ours: Version, theirs: Version, *,
                   fast: bool = True, picking: bool = False) -> Merged:
    """Load the three versions and merge them; a version that is not a valid ledger stops the
    merge with its problems placed in it. An empty base (git's, for a file that both sides
    added) is no common version. `picking`: as `merge` says."""
    from ledger.storage import loading

    if base is not None and not base.raw.strip():
        base = None
    if fast and base is not None:
        merged = _merge_canonical(base, ours, theirs)
        if merged is not None:
            return _with_stranded(merged, lambda: (
                loading.load_bytes(ours.raw, ours.name).ledger,
                loading.load_bytes(theirs.raw, theirs.name).ledger))
    loaded = [loading.load_bytes(version.raw, version.name).ledger if version is not None
              else None for version in (base, ours, theirs)]
    mine, other = loaded[1], loaded[2]
    assert mine is not None and other is not None
    return _with_stranded(merge(loaded[0], mine, other, picking=picking),
                          lambda: (mine, other))


def _with_stranded(merged: Merged, sides: Callable[[], tuple[Ledger, Ledger]]) -> Merged:
    """The merge, with each entry that it strands a conflict: an entry one side recorded about
    a party that the other side's change of the term no longer binds on the entry's dates.
    Each side was valid, and so is the merged file, but the entry would count for nobody on
    those days without anyone having decided so. It stays in the file (nothing recorded is
    lost). `sides` gives both sides' ledgers, read only when there is such an entry: one that
    either side already held stranded is not the merge's doing."""
    from dataclasses import replace

    from ledger.core.clocks import stranded_entries, why_stranded

    stranded = stranded_entries(merged.ledger)
    if not stranded:
        return merged
    ours, theirs = sides()
    already = {entry.id for side in (ours, theirs) for _, entry, _ in stranded_entries(side)}
    versions = [{entry.id: entry for entry in side.evidence} for side in (ours, theirs)]
    what = next(name for field, name, _ in RECORD_KINDS if field == "evidence")
    conflicts = [
        Conflict(_named(what, entry.id),
                 f"{why_stranded(entry, bound)} after the merge: one side changed the term's "
                 "obligors while the other recorded the entry, which is kept in the file; "
                 "retract or correct the entry, or correct the term's obligors",
                 versions[0].get(entry.id), versions[1].get(entry.id))
        for _, entry, bound in stranded if entry.id not in already]
    return replace(merged, conflicts=[*merged.conflicts, *conflicts]) if conflicts else merged


# --- the fast path: files as this program writes them --------------------------------------


def _after(side: Text, base: Text) -> Text | None:
    """The records of `side` that follow all of `base`'s, when `side` begins with them; else
    None. In a team's usual merge both sides only appended to the base (their records were
    recorded after it), so the base's records need not even be cut apart."""
    if not base:
        return side
    if not side.begins_with(base):
        return None
    rest = side.after(len(base))
    if not rest:
        return rest
    return rest.after(len(BETWEEN_RECORDS)) if rest.begins_with(BETWEEN_RECORDS) else None


def _union(base: Text, ours: Text, theirs: Text
           ) -> tuple[Text | None, list[bytes], list[bytes], list[bytes]] | None:
    """One list's merge, as text: the records all three share, in the base's order (None when
    they are compared one by one), and each other record once (ours, then theirs' own); and
    the records that one side holds and the other does not, ours then theirs. None when a
    record of the base was deleted or changed on some side, or a side holds a record twice."""
    ours_new, theirs_new = _after(ours, base), _after(theirs, base)
    shared: Text | None
    if ours_new is not None and theirs_new is not None:
        shared = base if base else None
        mine, other, before = ours_new.records(), theirs_new.records(), []
    else:
        shared, mine, other, before = None, ours.records(), theirs.records(), base.records()
    ours_records, theirs_records = set(mine), set(other)
    if (len(ours_records) != len(mine) or len(theirs_records) != len(other)
            or not ours_records.issuperset(before) or not theirs_records.issuperset(before)):
        return None
    theirs_only = [body for body in other if body not in ours_records]
    ours_only = [body for body in mine if body not in theirs_records]
    return shared, mine + theirs_only, ours_only, theirs_only


def _id_of(body: bytes) -> str:
    """The id of a record's text in the layout `dump` writes: its first line."""
    return body[len(ID_LINE):body.index(b'"', len(ID_LINE))].decode("utf-8")


def _merge_canonical(base: Version, ours: Version, theirs: Version) -> Merged | None:
    """The merge of three files in the layout this program writes, when it is clean: every
    record of the base unchanged on both sides, and no id held by the two sides with different
    content. Records are compared as bytes; their union is validated once, as one ledger (a
    record that both sides hold, once; an id that two contents share fails there as a
    duplicate id), and written back in canonical order in that layout.

    For files this program wrote the result is the careful path's, byte for byte (a property
    test holds the two to that). Anything else (another layout, a conflict, a problem in a
    file) is None: the careful path decides, and names and places each problem in its own file.
    """
    from ledger.core import safejson
    from ledger.core.errors import LedgerError
    from ledger.storage import loading

    sides = [split(version.raw) for version in (base, ours, theirs)]
    if any(side is None for side in sides):
        return None
    old, mine, other = sides
    assert old is not None and mine is not None and other is not None
    if not (old["schema_version"] == mine["schema_version"] == other["schema_version"]
            == str(SCHEMA_VERSION).encode()):
        return None
    title = three_way(old["title"], mine["title"], other["title"])
    if title is None:
        return None
    unions: dict[str, tuple[Text | None, list[bytes]]] = {}
    added = 0
    ours_only: set[tuple[str, str]] = set()
    theirs_only: set[tuple[str, str]] = set()
    document: list[bytes | memoryview] = [b'{"schema_version": ', mine["schema_version"],
                                          b', "title": ', title]
    for field, _, _ in RECORD_KINDS:
        union = _union(old[field], mine[field], other[field])
        if union is None:
            return None
        shared, rest, from_ours, from_theirs = union
        unions[field] = shared, rest
        added += len(from_theirs)
        ours_only.update((field, _id_of(body)) for body in from_ours)
        theirs_only.update((field, _id_of(body)) for body in from_theirs)
        document += [b', "', field.encode(), b'": [']
        if shared is not None:
            document += [b"{", shared.view(), b"}", b", " if rest else b""]
        if rest:
            document += [b"{", b"}, {".join(rest), b"}"]
        document.append(b"]")
    document.append(b"}")
    try:
        ledger = loading.load_bytes(b"".join(document), ours.name).ledger
    except LedgerError:
        return None
    lists: dict[str, list[bytes | memoryview]] = {}
    for field, (shared, rest) in unions.items():
        ordered = _in_canonical_order(getattr(ledger, field), shared, rest)
        if ordered is None:
            return None
        lists[field] = ordered
    return Merged(ledger, [], added, safejson.escape_controls(
        assemble(mine["schema_version"], title, lists)), frozenset(ours_only),
        frozenset(theirs_only))


def _in_canonical_order(records: tuple[Any, ...], shared: Text | None, rest: list[bytes]
                        ) -> list[bytes | memoryview] | None:
    """The text of one merged list in canonical order (`writing.recorded_order`), in pieces,
    from the validated records, which are `shared`'s (in order) followed by `rest`'s. None
    when the shared block is not in order before the rest."""
    from ledger.storage.writing import recorded_order

    count = len(records) - len(rest)  # `rest` was cut at record bounds, and each parsed as one
    if count < 0 or bool(count) != (shared is not None):
        return None
    keys = list(map(recorded_order, records))
    if count and not (all(map(le, keys[:count - 1], keys[1:count]))
                      and all(key > keys[count - 1] for key in keys[count:])):
        return None
    order = sorted(range(len(rest)), key=keys[count:].__getitem__)
    pieces: list[bytes | memoryview] = [shared.view()] if shared is not None else []
    if rest:
        if pieces:
            pieces.append(BETWEEN_RECORDS)
        pieces.append(BETWEEN_RECORDS.join([rest[at] for at in order]))
    return pieces
