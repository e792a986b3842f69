"""The one digest rule: a record's id (entries, retractions, changes) or digest (agreements,
parties, terms) is the start of the SHA-256 of its other fields, in canonical JSON.

Deriving the id from the content makes a hand edit of a recorded entry detectable, and two people
adding entries to copies of one ledger get distinct ids without coordinating.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from ledger.core.model import (
    Agreement,
    Assessment,
    Change,
    Evidence,
    Kept,
    Party,
    Record,
    Retraction,
    Review,
    Term,
)

_BATCH = 1000
"""Records dumped and hashed at a time: the dumps of a whole large ledger would take as much
fresh memory again as the ledger, and fresh memory costs more time than reused memory."""


def held_field(kind: type[Record]) -> str:
    """The field that holds the digest: `digest` for agreements, parties and terms (whose `id`
    is a name the user chose), `id` for the others."""
    return "digest" if issubclass(kind, Kept) else "id"


def digests_of(contents: Iterable[dict[str, Any]]) -> list[str]:
    """The digests of records' fields (the held field left out, None fields left out) as JSON
    holds them: the SHA-256 of the canonical JSON (keys sorted), its first 12 hex digits."""
    import hashlib

    import orjson

    sha256, dumps, sort_keys = hashlib.sha256, orjson.dumps, orjson.OPT_SORT_KEYS
    return [sha256(dumps(content, option=sort_keys)).hexdigest()[:12] for content in contents]


def digests_of_records(records: Sequence[Record], kind: type[Record]) -> list[str]:
    """The digest each record of `kind` must carry, in batches (`ledger check` hashes every
    record of a large ledger)."""
    from pydantic import TypeAdapter

    held = held_field(kind)
    adapter: TypeAdapter[Any] = TypeAdapter(tuple[kind, ...])  # type: ignore[valid-type]
    digests: list[str] = []
    for start in range(0, len(records), _BATCH):
        # Python mode is enough for orjson (tuples and enums serialize as in JSON mode), and
        # deleting each digest costs less than Pydantic's per-record exclusion.
        contents = adapter.dump_python(records[start:start + _BATCH], exclude_none=True)
        for content in contents:
            content.pop(held, None)
        digests += digests_of(contents)
    return digests


def record_digest(record: Record) -> str:
    """The digest (or id) one record must carry."""
    held = held_field(type(record))
    return digests_of([record.model_dump(mode="json", exclude_none=True, exclude={held})])[0]


_Sealable = TypeVar("_Sealable", Agreement, Party, Term, Evidence, Retraction, Change,
                    Assessment, Review)


def sealed(record: _Sealable) -> _Sealable:
    """The record with the digest (or id) that its content implies."""
    return record.model_copy(update={held_field(type(record)): record_digest(record)})
