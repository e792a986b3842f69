"""Merging three versions of a ledger file: record by record, with a fast path for files in the
ledger's own layout."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from operator import le
from pathlib import Path
from typing import Any

from ledger.core.model import (
    RECORD_KINDS,
    SCHEMA_VERSION,
    Ledger,
)
from ledger.merge.threeway import Conflict, Merged, merge, named_record, three_way
from ledger.storage.layout import BETWEEN_RECORDS, ID_LINE, Text, assemble, split


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
        Conflict(named_record(what, entry.id),
                 f"{why_stranded(entry, bound)} after the merge: one side changed the term's "
                 "obligors while the other recorded the entry, which is kept in the file; "
                 "retract or correct the entry, or correct the term's obligors",
                 versions[0].get(entry.id), versions[1].get(entry.id))
        for _, entry, bound in stranded if entry.id not in already]
    return replace(merged, conflicts=[*merged.conflicts, *conflicts]) if conflicts else merged


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
