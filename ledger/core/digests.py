"""The one digest rule: a record's id or digest is the start of the SHA-256 of its other fields."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from ledger.core.model import Agreement, Change, Evidence, Party, Retraction, Term


def record_digest(record: Evidence | Retraction | Change) -> str:
    """The id a record must carry: the start of the SHA-256 of its other fields, in canonical JSON.

    Deriving the id from the content makes a hand edit of a recorded entry detectable, and two
    people adding entries to copies of one ledger get distinct ids without coordinating.
    """
    return digests_of([record.model_dump(mode="json", exclude_none=True, exclude={"id"})])[0]


def kept_digest(record: Agreement | Party | Term) -> str:
    """The digest an agreement, party or term must carry: of every field but the digest."""
    return digests_of([record.model_dump(mode="json", exclude_none=True,
                                         exclude={"digest"})])[0]


def sealed(record: _Sealable) -> _Sealable:
    """The record with the digest (or, for entries, retractions and changes, the id) that its
    content implies."""
    if isinstance(record, Agreement | Party | Term):
        return record.model_copy(update={"digest": kept_digest(record)})
    return record.model_copy(update={"id": record_digest(record)})


_Sealable = TypeVar("_Sealable", Agreement, Party, Term, Evidence, Retraction, Change)


def digests_of(contents: Iterable[dict[str, Any]]) -> list[str]:
    """The ids for records' fields (without `id`) as dumped in JSON mode, None fields left out.

    One comprehension of C calls, since `ledger check` hashes every record.
    """
    import hashlib

    import orjson

    sha256, dumps, sort_keys = hashlib.sha256, orjson.dumps, orjson.OPT_SORT_KEYS
    return [sha256(dumps(content, option=sort_keys)).hexdigest()[:12] for content in contents]
