"""Pydantic models of the ledger file: what each record holds and which values are valid. No I/O."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import StrEnum
from operator import attrgetter
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StringConstraints, model_validator

from ledger.core.errors import Finding
from ledger.core.words import Role, Stance

SCHEMA_VERSION = 2

SLUG_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,63}$"
EVIDENCE_ID_PATTERN = r"^[0-9a-f]{12}$"
# The date patterns hold the whole Gregorian calendar (month lengths, 29 February in leap years
# only), so that the validator's own regex engine rejects every day that does not exist, in the
# same pass that parses the file; `calendar_reason` explains such a rejection afterwards.
_YEAR = r"([1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])"
_LEAP_YEAR = r"([0-9]{2}(0[48]|[2468][048]|[13579][26])|(0[48]|[2468][048]|[13579][26])00)"
_MONTH = r"(0[1-9]|1[0-2])"
_MONTH_AND_DAY = (r"((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])"
                  r"|(0[469]|11)-(0[1-9]|[12][0-9]|30)"
                  r"|02-(0[1-9]|1[0-9]|2[0-8]))")
_DAY = rf"({_YEAR}-{_MONTH_AND_DAY}|{_LEAP_YEAR}-02-29)"
FULL_DATE_PATTERN = rf"^{_DAY}$"
PARTIAL_DATE_PATTERN = rf"^({_YEAR}(-{_MONTH})?|{_DAY})$"
_TIME = r"([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]\.[0-9]{6}"
TIMESTAMP_PATTERN = rf"^{_DAY}T{_TIME}Z$"
CALENDAR_PATTERNS = (FULL_DATE_PATTERN, PARTIAL_DATE_PATTERN, TIMESTAMP_PATTERN)
SHA256_PATTERN = r"^[0-9a-f]{64}$"
PATTERN_MEANINGS = {
    SLUG_PATTERN: "an id: 1-64 lowercase letters, digits, '.', '_' or '-'",
    EVIDENCE_ID_PATTERN: "an entry id: 12 hex digits",
    FULL_DATE_PATTERN: "a date: YYYY-MM-DD (year 0001-9999, month 01-12, a day the month has)",
    PARTIAL_DATE_PATTERN: "a date: YYYY, YYYY-MM or YYYY-MM-DD (year 0001-9999, month 01-12, "
    "a day the month has)",
    TIMESTAMP_PATTERN: "a UTC timestamp: YYYY-MM-DDTHH:MM:SS.ffffffZ, on a real day",
    SHA256_PATTERN: "a SHA-256: 64 lowercase hex digits",
}

Slug = Annotated[
    str,
    StringConstraints(pattern=SLUG_PATTERN),
    Field(description="A short id chosen by the user: lowercase letters, digits, '.', '_', '-'."),
]
EvidenceId = Annotated[
    str,
    StringConstraints(pattern=EVIDENCE_ID_PATTERN),
    Field(description="12 hex digits: the start of the SHA-256 of the record's other fields."),
]
Text = Annotated[str, StringConstraints(min_length=1)]
FullDate = Annotated[
    str,
    StringConstraints(pattern=FULL_DATE_PATTERN),
    Field(description="A calendar date, YYYY-MM-DD."),
]
PartialDate = Annotated[
    str,
    StringConstraints(pattern=PARTIAL_DATE_PATTERN),
    Field(description="A date at the precision known: YYYY, YYYY-MM or YYYY-MM-DD."),
]


Timestamp = Annotated[
    str,
    StringConstraints(pattern=TIMESTAMP_PATTERN),
    Field(description="A UTC time, YYYY-MM-DDTHH:MM:SS.ffffffZ."),
]


class Record(BaseModel):
    # cache_strings="keys": caching every short value string costs a hash per value, and loading
    # a large ledger spends more on that than the cache saves.
    model_config = ConfigDict(extra="forbid", frozen=True, cache_strings="keys")


class Kept(Record):
    """A record a user adds and may later amend or correct (never rewritten in the file).

    Each kind ends with `recorded_at`, when it was added (absent for records of a version-1
    file: they count as recorded before anything else), and `digest`, the start of the SHA-256
    of its other fields, so that `ledger check` names a hand edit. They are declared in each
    kind, after its own fields, so that a record reads id first in the file.
    """

    if TYPE_CHECKING:
        recorded_at: str | None
        digest: str | None


class Agreement(Kept):
    id: Slug
    title: Text
    signed: FullDate | None = None
    signatories: tuple[Slug, ...] = ()
    place: Text | None = None
    url: Text | None = None
    recorded_at: Timestamp | None = None
    digest: EvidenceId | None = None


class Party(Kept):
    id: Slug
    name: Text
    role: Role = Role.OTHER
    aliases: tuple[Text, ...] = ()
    recorded_at: Timestamp | None = None
    digest: EvidenceId | None = None


class Term(Kept):
    id: Slug
    agreement: Slug
    title: Text
    category: Text
    obligors: tuple[Slug, ...] = Field(min_length=1)
    article: Text | None = None
    text: Text | None = None
    due: FullDate | None = None
    conditions: tuple[Slug, ...] | None = Field(default=None, min_length=1)
    """Terms this one waits on: it is not overdue until each is claimed for every obligor.
    None when there are none, so that a term without conditions reads (and hashes) as before."""
    recorded_at: Timestamp | None = None
    digest: EvidenceId | None = None


class Source(Record):
    """Where an assertion was published; `document` and `sha256` name a local copy for quotes."""

    title: Text | None = None
    publisher: Text | None = None
    url: Text | None = None
    date: PartialDate | None = None
    document: Text | None = None
    sha256: Annotated[str, StringConstraints(pattern=SHA256_PATTERN)] | None = None


class Evidence(Record):
    """One dated assertion by `claimant` that `subject` complies (or not) with `term`."""

    id: EvidenceId
    term: Slug
    subject: Slug
    claimant: Slug
    stance: Stance
    date: PartialDate
    recorded_at: Timestamp
    summary: Text
    speaker: Text | None = None
    quote: Text | None = None
    source: Source | None = None
    corrects: EvidenceId | None = None
    """The entry this one replaces (`evidence correct`), which carries a retraction."""


class Retraction(Record):
    """Withdraws one evidence entry from every count; the entry itself stays in the file."""

    id: EvidenceId
    evidence: EvidenceId
    reason: Text
    recorded_at: Timestamp


class ChangeKind(StrEnum):
    AMENDMENT = "amendment"
    CORRECTION = "correction"


class RecordKind(StrEnum):
    AGREEMENT = "agreement"
    PARTY = "party"
    TERM = "term"


class Values(Record):
    """The fields a change sets (those left out keep their value)."""

    title: Text | None = None
    signed: FullDate | None = None
    signatories: tuple[Slug, ...] | None = None
    place: Text | None = None
    url: Text | None = None
    name: Text | None = None
    role: Role | None = None
    aliases: tuple[Text, ...] | None = None
    category: Text | None = None
    obligors: tuple[Slug, ...] | None = Field(default=None, min_length=1)
    due: FullDate | None = None
    text: Text | None = None
    article: Text | None = None
    conditions: tuple[Slug, ...] | None = Field(default=None, min_length=1)


CHANGEABLE = {
    RecordKind.AGREEMENT: ("title", "signed", "signatories", "place", "url"),
    RecordKind.PARTY: ("name", "role", "aliases"),
    RecordKind.TERM: ("title", "category", "obligors", "due", "text", "article", "conditions"),
}
CLEARABLE = ("signed", "place", "url", "due", "text", "article", "conditions")
"""Optional fields a change may clear (`--no-due`)."""


class Change(Record):
    """An amendment (the agreement changed from `effective` on) or a correction (the record was
    wrong: it applies to every day) of an agreement, a party or a term."""

    id: EvidenceId
    kind: ChangeKind
    of: RecordKind
    record: Slug
    effective: FullDate | None = None
    reason: Text
    recorded_at: Timestamp
    values: Values = Values()
    cleared: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> Change:
        if (self.kind is ChangeKind.AMENDMENT) != (self.effective is not None):
            raise ValueError("an amendment has an effective day and a correction has none")
        allowed = CHANGEABLE[self.of]
        named = [*self.values.model_fields_set, *self.cleared]
        wrong = [field for field in named if field not in allowed]
        if wrong:
            raise ValueError(f"a {self.of.value} has no changeable field {wrong[0]!r} "
                             f"(changeable: {', '.join(allowed)})")
        if any(field not in CLEARABLE for field in self.cleared):
            raise ValueError(f"only optional fields can be cleared ({', '.join(CLEARABLE)})")
        if not named:
            raise ValueError("a change must set or clear at least one field")
        return self


class Ledger(Record):
    schema_version: StrictInt = SCHEMA_VERSION
    title: Text
    agreements: tuple[Agreement, ...] = ()
    parties: tuple[Party, ...] = ()
    terms: tuple[Term, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    retractions: tuple[Retraction, ...] = ()
    changes: tuple[Change, ...] = ()


RECORD_KINDS: tuple[tuple[str, str, type[Record]], ...] = (
    ("agreements", "agreement", Agreement), ("parties", "party", Party), ("terms", "term", Term),
    ("evidence", "evidence entry", Evidence), ("retractions", "retraction", Retraction),
    ("changes", "change", Change))
"""Every list of records a user adds: the list's name in the file, a record's name, its type."""


def retractions_by_entry(ledger: Ledger) -> dict[str, Retraction]:
    """Each retracted entry's first retraction (two analysts may retract one entry on their own
    branches: the merge keeps both, and the entry is retracted from the first)."""
    retractions: dict[str, Retraction] = {}
    for retraction in ledger.retractions:
        retractions.setdefault(retraction.evidence, retraction)
    return retractions


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


def calendar_reason(value: object) -> str | None:
    """Why a date or timestamp that a pattern rejected names no real day, if that is the reason.

    The patterns reject a 30 February without saying why; the calendar check that the command
    line uses for dates names the month's length. None when the value has some other fault
    (which the pattern's meaning then describes).
    """
    import re

    from ledger.core.dates import check_partial

    shape = rf"{_YEAR}-{_MONTH}-(0[1-9]|[12][0-9]|3[01])(T{_TIME}Z)?"
    if not isinstance(value, str) or re.fullmatch(shape, value) is None:
        return None
    try:
        check_partial(value[:10])
    except ValueError as error:
        return str(error)
    return None


def _references_hold(ledger: Ledger, new: Ledger | None = None) -> bool:
    """Whether every id is unique and every reference resolves, by set operations.

    The common answer (yes) costs a few passes in C over a large ledger; only a ledger with a
    problem pays for the walk that names and places each one. With `new`, only its records'
    references are followed (see `reference_findings`).
    """
    identify = attrgetter("id")
    lists = (ledger.agreements, ledger.parties, ledger.terms, ledger.evidence,
             ledger.retractions, ledger.changes)
    ids = [set(map(identify, records)) for records in lists]
    if any(len(unique) != len(records) for unique, records in zip(ids, lists, strict=True)):
        return False
    checked = ledger if new is None else new
    if not _changes_resolve(ledger, checked.changes):
        return False
    agreements, parties, terms, entry_ids = ids[:4]
    if not all(parties.issuperset(agreement.signatories) for agreement in checked.agreements):
        return False
    if not all(term.agreement in agreements and parties.issuperset(term.obligors)
               and len(set(term.obligors)) == len(term.obligors) for term in checked.terms):
        return False
    if not all(terms.issuperset(term.conditions) for term in checked.terms if term.conditions):
        return False
    obligations = obligations_ever(ledger)
    evidence = checked.evidence
    return (
        obligations.issuperset(map(attrgetter("term", "subject"), evidence))
        and parties.issuperset(map(attrgetter("claimant"), evidence))
        and entry_ids.issuperset(map(attrgetter("evidence"), checked.retractions))
        and entry_ids.issuperset(filter(None, map(attrgetter("corrects"), evidence)))
    )


def _changes_resolve(ledger: Ledger, changes: Sequence[Change]) -> bool:
    """Every one of `changes` names a record of its kind, and every party its lists name
    exists."""
    if not changes:
        return True
    identify = attrgetter("id")
    records = {RecordKind.AGREEMENT: set(map(identify, ledger.agreements)),
               RecordKind.PARTY: set(map(identify, ledger.parties)),
               RecordKind.TERM: set(map(identify, ledger.terms))}
    parties = records[RecordKind.PARTY]
    return all(
        change.record in records[change.of]
        and parties.issuperset(change.values.signatories or ())
        and parties.issuperset(change.values.obligors or ())
        and records[RecordKind.TERM].issuperset(change.values.conditions or ())
        for change in changes
    )


_LIST_OF_KIND = {RecordKind.AGREEMENT: "agreements", RecordKind.PARTY: "parties",
                 RecordKind.TERM: "terms"}


def references_of(record: Record) -> list[tuple[str, str]]:
    """The records that `record` names, each as (its list in the file, its id): what a ledger
    must hold for `record` to be in it (`reference_walk` checks each; a test holds the two
    together). An entry's subject must also be an obligor of its term in some version
    (`obligations_ever`), which no one id says."""
    if isinstance(record, Agreement):
        return [("parties", party) for party in record.signatories]
    if isinstance(record, Term):
        return [("agreements", record.agreement),
                *(("parties", party) for party in record.obligors),
                *(("terms", term) for term in record.conditions or ())]
    if isinstance(record, Evidence):
        return [("terms", record.term), ("parties", record.subject), ("parties", record.claimant),
                *((("evidence", record.corrects),) if record.corrects else ())]
    if isinstance(record, Retraction):
        return [("evidence", record.evidence)]
    if isinstance(record, Change):
        values = record.values
        return [(_LIST_OF_KIND[record.of], record.record),
                *(("parties", party) for party in (*(values.signatories or ()),
                                                   *(values.obligors or ()))),
                *(("terms", term) for term in values.conditions or ())]
    return []


def obligations_ever(ledger: Ledger) -> set[tuple[str, str]]:
    """Every (term, obligor) pair that some version of a term holds: as added, or as a change
    sets it. An entry's subject must be one of them; which version applies on the entry's date
    is checked when the entry or the change is recorded."""
    return obligations_in(ledger.terms, ledger.changes)


def obligations_in(terms: Iterable[Term], changes: Iterable[Change]) -> set[tuple[str, str]]:
    """`obligations_ever` of these terms and changes (a merge weighs lists not yet a ledger)."""
    pairs = {(term.id, obligor) for term in terms for obligor in term.obligors}
    for change in changes:
        if change.of is RecordKind.TERM and change.values.obligors:
            pairs.update((change.record, obligor) for obligor in change.values.obligors)
    return pairs


def reference_findings(ledger: Ledger, *, new: Ledger | None = None) -> list[Finding]:
    """Duplicate ids and references to things the ledger does not hold, in file order.

    Every command runs this on load: a ledger that fails it cannot give a trustworthy report.
    The quick test answers for the common valid ledger; the walk names and places each problem
    (a property test holds the two to the same verdict).

    `new` holds only the records appended to a ledger that passed this check (a save after
    `evidence add` or an import): ids are still checked for uniqueness over every list, but
    only the new records' references are followed. An appended record never takes an id or an
    obligation away (a term's obligors of every version count), so the older records' still
    resolve.
    """
    return [] if _references_hold(ledger, new) else reference_walk(ledger)


def reference_walk(ledger: Ledger) -> list[Finding]:
    """Every duplicate id and unresolved reference, named and placed, in file order."""
    findings: list[Finding] = []

    def unique_ids(kind: str, records: tuple[Agreement | Party | Term | Evidence | Retraction
                                            | Change, ...]
                   ) -> dict[str, int]:
        index: dict[str, int] = {}
        for position, record in enumerate(records):
            if record.id in index:
                findings.append(Finding(
                    (kind, position, "id"),
                    f"duplicate id {record.id!r} (first at {kind}[{index[record.id]}])",
                ))
            else:
                index[record.id] = position
        return index

    parties = unique_ids("parties", ledger.parties)
    agreements = unique_ids("agreements", ledger.agreements)
    unique_ids("terms", ledger.terms)
    evidence = unique_ids("evidence", ledger.evidence)
    unique_ids("retractions", ledger.retractions)
    unique_ids("changes", ledger.changes)
    terms = {term.id: term for term in ledger.terms}
    obligations = obligations_ever(ledger)

    for position, agreement in enumerate(ledger.agreements):
        for slot, signatory in enumerate(agreement.signatories):
            if signatory not in parties:
                findings.append(Finding(("agreements", position, "signatories", slot),
                                        f"unknown party {signatory!r}"))
    for position, term in enumerate(ledger.terms):
        if term.agreement not in agreements:
            findings.append(Finding(("terms", position, "agreement"),
                                    f"unknown agreement {term.agreement!r}"))
        seen: set[str] = set()
        for slot, obligor in enumerate(term.obligors):
            if obligor not in parties:
                findings.append(Finding(("terms", position, "obligors", slot),
                                        f"unknown party {obligor!r}"))
            elif obligor in seen:
                findings.append(Finding(("terms", position, "obligors", slot),
                                        f"party {obligor!r} is listed twice"))
            seen.add(obligor)
        for slot, condition in enumerate(term.conditions or ()):
            if condition not in terms:
                findings.append(Finding(("terms", position, "conditions", slot),
                                        f"waits on unknown term {condition!r}"))
    for position, entry in enumerate(ledger.evidence):
        entry_term = terms.get(entry.term)
        if entry_term is None:
            findings.append(Finding(("evidence", position, "term"),
                                    f"unknown term {entry.term!r}"))
        if entry.subject not in parties:
            findings.append(Finding(("evidence", position, "subject"),
                                    f"unknown party {entry.subject!r}"))
        elif entry_term is not None and (entry.term, entry.subject) not in obligations:
            findings.append(Finding(
                ("evidence", position, "subject"),
                f"party {entry.subject!r} is not an obligor of term {entry_term.id!r} "
                f"(obligors: {', '.join(entry_term.obligors)})",
            ))
        if entry.corrects is not None and entry.corrects not in evidence:
            findings.append(Finding(("evidence", position, "corrects"),
                                    f"corrects unknown evidence entry {entry.corrects!r}"))
        if entry.claimant not in parties:
            findings.append(Finding(("evidence", position, "claimant"),
                                    f"unknown party {entry.claimant!r}"))
    for position, retraction in enumerate(ledger.retractions):
        if retraction.evidence not in evidence:
            findings.append(Finding(("retractions", position, "evidence"),
                                    f"retracts unknown evidence entry {retraction.evidence!r}"))
    records = {RecordKind.AGREEMENT: agreements, RecordKind.PARTY: parties,
               RecordKind.TERM: {term.id: 0 for term in ledger.terms}}
    for position, change in enumerate(ledger.changes):
        if change.record not in records[change.of]:
            findings.append(Finding(("changes", position, "record"),
                                    f"changes unknown {change.of.value} {change.record!r}"))
        for field in ("signatories", "obligors"):
            for slot, party in enumerate(getattr(change.values, field) or ()):
                if party not in parties:
                    findings.append(Finding(("changes", position, "values", field, slot),
                                            f"unknown party {party!r}"))
        for slot, condition in enumerate(change.values.conditions or ()):
            if condition not in terms:
                findings.append(Finding(("changes", position, "values", "conditions", slot),
                                        f"waits on unknown term {condition!r}"))
    return findings
