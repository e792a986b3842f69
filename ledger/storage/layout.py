"""The ledger file's layout as this program writes it: a ledger's bytes, and files cut into their
members and put back together, so that a merge or a save that only appends records need not
write every record again."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ledger.core.model import OPTIONAL_LISTS, RECORD_KINDS, SCHEMA_VERSION

if TYPE_CHECKING:
    from ledger.core.model import Ledger

FIELDS = ("schema_version", "title", *(field for field, _, _ in RECORD_KINDS))
"""The file's members, in the order they are written."""
LISTS = tuple(field for field, _, _ in RECORD_KINDS)
MEMBER = b'\n  "'
RECORD_START = b"\n    {"
RECORD_END = b"\n    }"
BETWEEN_RECORDS = b"\n    },\n    {"
ID_LINE = b'\n      "id": "'


def dump(ledger: Ledger) -> bytes:
    """The ledger's records as they stand (no reordering), 2-space indented UTF-8 JSON with a
    trailing newline, None left out; characters a terminal would act on written as escapes.

    Pydantic writes the JSON itself, straight from the models: the same bytes as `orjson`'s
    2-space indent of `model_dump(mode="json")` (a property test holds the two to that, so a
    file written by an earlier version is written again byte for byte), without first making
    every record a dictionary.
    """
    from ledger.core import safejson

    return safejson.escape_controls(_written(ledger))


def _written(ledger: Ledger) -> bytes:
    """`dump` before its escapes; an optional list without records left out."""
    empty = {field for field in OPTIONAL_LISTS if not getattr(ledger, field)}
    return ledger.__pydantic_serializer__.to_json(ledger, indent=2, exclude_none=True,
                                                  exclude=empty or None) + b"\n"


@dataclass(frozen=True)
class Text:
    """A stretch of a file's bytes, not copied: the lists of a large ledger are most of it."""

    raw: bytes
    start: int
    end: int

    def __len__(self) -> int:
        return self.end - self.start

    def view(self) -> memoryview:
        return memoryview(self.raw)[self.start:self.end]

    def begins_with(self, other: Text | bytes) -> bool:
        """Whether the text begins with `other` (a comparison of memory, in C)."""
        prefix = other.view() if isinstance(other, Text) else other
        return self.raw.startswith(prefix, self.start, self.end)

    def after(self, count: int) -> Text:
        return Text(self.raw, self.start + count, self.end)

    def records(self) -> list[bytes]:
        """Each record's text (between its braces)."""
        return self.raw[self.start:self.end].split(BETWEEN_RECORDS) if self else []


def split(raw: bytes) -> dict[str, Any] | None:
    """A file in the layout `dump` writes, cut into its members: the schema version and the
    title as written, and each list as the `Text` of its records (from the first record's first
    field to the last one's last; empty for an empty list). None for any other layout.

    In that layout a top-level key is the only line indented by two spaces, a record of a
    top-level list the only object opening or closing on a line indented by four, and a
    record's first line its id: JSON strings hold no raw line break, so no value can mimic these
    lines.
    """
    if not raw.endswith(b"\n}\n") or not raw.startswith(b"{" + MEMBER + b'schema_version": '):
        return None
    # Where each member starts: the lists after the evidence (few records) are found from the
    # end, so that no search runs through the evidence, most of the file. An optional list
    # (`OPTIONAL_LISTS`) may be absent: it has no records.
    starts = [1]
    for field in FIELDS[1:FIELDS.index("evidence") + 1]:
        starts.append(raw.find(MEMBER + field.encode() + b'": ', starts[-1] + 1))
    later = [len(raw) - 2]
    present = list(FIELDS[:FIELDS.index("evidence") + 1])
    found_later: list[str] = []
    for field in reversed(FIELDS[FIELDS.index("evidence") + 1:]):
        at = raw.rfind(MEMBER + field.encode() + b'": ', starts[-1] + 1, later[-1])
        if at < 0 and field in OPTIONAL_LISTS:
            continue
        later.append(at)
        found_later.append(field)
    starts += reversed(later[1:])
    present += reversed(found_later)
    if min(starts) < 0 or starts != sorted(starts):
        return None
    members: dict[str, Any] = {field: Text(raw, 0, 0) for field in OPTIONAL_LISTS}
    for field, position, following in zip(present, starts, [*starts[1:], len(raw) - 1],
                                          strict=True):
        key = MEMBER + field.encode() + b'": '
        start = position + len(key)
        end = following - 1
        if field != present[-1]:
            if raw[end:following] != b",":
                return None
        else:
            end = len(raw) - 3
        if field == "schema_version":
            members[field] = raw[start:end]
            if not members[field].isdigit():
                return None
        elif field == "title":
            members[field] = raw[start:end]
        elif raw.startswith(b"[]", start) and end == start + 2:
            members[field] = Text(raw, start, start)
        elif (raw.startswith(b"[" + RECORD_START + ID_LINE, start)
              and raw.startswith(RECORD_END + b"\n  ]", end - len(RECORD_END) - 4)):
            members[field] = Text(raw, start + 1 + len(RECORD_START),
                                  end - len(RECORD_END) - 4)
        else:
            return None
    return members


def assemble(schema_version: bytes, title: bytes,
             lists: dict[str, list[bytes | memoryview]]) -> bytes:
    """A file in the layout `dump` writes, from the schema version and the title as written and
    each list as the pieces of its records' text (records joined by `BETWEEN_RECORDS`)."""
    return b"".join(_laid_out(schema_version, title, lists))


def _laid_out(schema_version: bytes, title: bytes, lists: dict[str, list[bytes | memoryview]]
              ) -> list[bytes | memoryview]:
    """`assemble`'s pieces, in order, not joined."""
    layout: list[bytes | memoryview] = [b"{", MEMBER, b'schema_version": ', schema_version,
                           b",", MEMBER, b'title": ', title]
    for field in LISTS:
        pieces = lists[field]
        if not pieces and field in OPTIONAL_LISTS:
            continue
        layout += [b",", MEMBER, field.encode(), b'": ']
        layout += [b"[", RECORD_START, *pieces, RECORD_END, b"\n  ]"] if pieces else [b"[]"]
    layout.append(b"\n}\n")
    return layout


def appended_records(before: Ledger, after: Ledger) -> dict[str, tuple[Any, ...]] | None:
    """The records `after` appends to each of `before`'s lists (the same objects kept, in the
    same places), or None when `after` changes anything else."""
    from operator import is_

    if after.schema_version != before.schema_version or after.title != before.title:
        return None
    grown: dict[str, tuple[Any, ...]] = {}
    for field in LISTS:
        old, new = getattr(before, field), getattr(after, field)
        if len(new) < len(old) or not all(map(is_, old, new)):
            return None
        grown[field] = new[len(old):]
    return grown


def appended(raw: bytes, after: Ledger, grown: dict[str, tuple[Any, ...]]
             ) -> list[bytes | memoryview] | None:
    """The bytes of `after` made from `raw`, the file of a ledger to which `after` only appends
    the records `grown` (`appended_records`): their text spliced in after the old, with no
    record written again. None when it cannot be done so (nothing new, another layout).

    The bytes come in pieces, to be written one after the other: the old records are views of
    `raw`, not copied (a large ledger's file is mostly them).

    `raw` is trusted to be in the layout and order this program writes, as `merge`'s fast path
    trusts it: for a file this program wrote the result is `dump(after)` byte for byte (a
    property test holds the two to that). Characters a terminal would act on are escaped in the
    whole result, as `dump` escapes them, even in a file edited by hand. The caller puts `after`
    in canonical order first and passes only a ledger whose order it did not have to change.
    """
    from ledger.core import safejson

    if not any(grown.values()):
        return None
    members = split(raw)
    if members is None or members["schema_version"] != str(SCHEMA_VERSION).encode():
        return None
    tail = split(_written(after.model_copy(update=grown)))  # escaped below, with the rest
    assert tail is not None, "dump writes the layout that split reads"
    lists: dict[str, list[bytes | memoryview]] = {}
    for field in LISTS:
        # each piece escaped on its own: no escape reaches across two, as each ends between
        # two characters
        pieces = [safejson.escaped_piece(text.raw, text.start, text.end)
                  for text in (members[field], tail[field]) if text]
        lists[field] = [pieces[0], BETWEEN_RECORDS, pieces[1]] if len(pieces) == 2 else pieces
    return _laid_out(members["schema_version"], safejson.escape_controls(members["title"]),
                     lists)
