"""Pydantic models of the ledger file: what each record holds and which values are valid. No I/O."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from operator import attrgetter
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StringConstraints

from ledger.dates import check_partial, parse_timestamp
from ledger.errors import Finding

SCHEMA_VERSION = 1

SLUG_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,63}$"
EVIDENCE_ID_PATTERN = r"^[0-9a-f]{12}$"
# Years 0001-9999, months 01-12 and days 01-31 are checked here, by the validator's own regex
# engine; what a pattern cannot see (a 30 February) is left to `calendar_findings`, run on load.
_YEAR = r"([1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])"
_MONTH = r"(0[1-9]|1[0-2])"
_DAY = r"(0[1-9]|[12][0-9]|3[01])"
FULL_DATE_PATTERN = rf"^{_YEAR}-{_MONTH}-{_DAY}$"
PARTIAL_DATE_PATTERN = rf"^{_YEAR}(-{_MONTH}(-{_DAY})?)?$"
_TIME = r"([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]\.[0-9]{6}"
TIMESTAMP_PATTERN = rf"^{_YEAR}-{_MONTH}-{_DAY}T{_TIME}Z$"
SHA256_PATTERN = r"^[0-9a-f]{64}$"
PATTERN_MEANINGS = {
    SLUG_PATTERN: "an id: 1-64 lowercase letters, digits, '.', '_' or '-'",
    EVIDENCE_ID_PATTERN: "an entry id: 12 hex digits",
    FULL_DATE_PATTERN: "a date: YYYY-MM-DD (year 0001-9999, month 01-12, day 01-31)",
    PARTIAL_DATE_PATTERN: "a date: YYYY, YYYY-MM or YYYY-MM-DD (year 0001-9999, month 01-12, "
    "day 01-31)",
    TIMESTAMP_PATTERN: "a UTC timestamp: YYYY-MM-DDTHH:MM:SS.ffffffZ",
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


class Role(StrEnum):
    SIGNATORY = "signatory"
    MONITOR = "monitor"
    MEDIATOR = "mediator"
    OBSERVER = "observer"
    OTHER = "other"


class Stance(StrEnum):
    CLAIMS = "claims"
    DISPUTES = "disputes"


class Record(BaseModel):
    # cache_strings="keys": caching every short value string costs a hash per value, and loading
    # a large ledger spends more on that than the cache saves.
    model_config = ConfigDict(extra="forbid", frozen=True, cache_strings="keys")


class Agreement(Record):
    id: Slug
    title: Text
    signed: FullDate | None = None
    signatories: tuple[Slug, ...] = ()
    place: Text | None = None
    url: Text | None = None


class Party(Record):
    id: Slug
    name: Text
    role: Role = Role.OTHER
    aliases: tuple[Text, ...] = ()


class Term(Record):
    id: Slug
    agreement: Slug
    title: Text
    category: Text
    obligors: tuple[Slug, ...] = Field(min_length=1)
    article: Text | None = None
    text: Text | None = None
    due: FullDate | None = None


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


class Retraction(Record):
    """Withdraws one evidence entry from every count; the entry itself stays in the file."""

    id: EvidenceId
    evidence: EvidenceId
    reason: Text
    recorded_at: Timestamp


class Ledger(Record):
    schema_version: StrictInt = SCHEMA_VERSION
    title: Text
    agreements: tuple[Agreement, ...] = ()
    parties: tuple[Party, ...] = ()
    terms: tuple[Term, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    retractions: tuple[Retraction, ...] = ()


def record_digest(record: Evidence | Retraction) -> str:
    """The id a record must carry: the start of the SHA-256 of its other fields, in canonical JSON.

    Deriving the id from the content makes a hand edit of a recorded entry detectable, and two
    people adding entries to copies of one ledger get distinct ids without coordinating.
    """
    return digests_of([record.model_dump(mode="json", exclude_none=True, exclude={"id"})])[0]


def digests_of(contents: Iterable[dict[str, Any]]) -> list[str]:
    """The ids for records' fields (without `id`) as dumped in JSON mode, None fields left out.

    One comprehension of C calls, since `ledger check` hashes every record.
    """
    import hashlib

    import orjson

    sha256, dumps, sort_keys = hashlib.sha256, orjson.dumps, orjson.OPT_SORT_KEYS
    return [sha256(dumps(content, option=sort_keys)).hexdigest()[:12] for content in contents]


def _impossible(text: str) -> str | None:
    """Why a date or timestamp that matched its pattern names no real day, or None if it does."""
    if text[8:10] <= "28":
        return None
    try:
        if len(text) > 10:
            parse_timestamp(text)
        else:
            check_partial(text)
    except ValueError as error:
        return str(error)
    return None


def _might_be_impossible(text: str | None) -> bool:
    return text is not None and text[8:10] > "28"


def calendar_findings(ledger: Ledger) -> list[Finding]:
    """Dates and timestamps that name no real day: a day past its month's end.

    Cheap passes pick out the few values that could be wrong (a 29th, 30th or 31st); only those
    get the calendar's full check.
    """
    candidates: list[tuple[tuple[str | int, ...], str]] = []
    for position, agreement in enumerate(ledger.agreements):
        if _might_be_impossible(agreement.signed):
            candidates.append((("agreements", position, "signed"), agreement.signed or ""))
    for position, term in enumerate(ledger.terms):
        if _might_be_impossible(term.due):
            candidates.append((("terms", position, "due"), term.due or ""))
    evidence = ledger.evidence
    late_in_month = {
        position for position, day in enumerate(map(attrgetter("date"), evidence)) if day[8:] > "28"
    }
    late_in_month.update(
        position for position, moment in enumerate(map(attrgetter("recorded_at"), evidence))
        if moment[8:10] > "28"
    )
    late_in_month.update(
        position for position, source in enumerate(map(attrgetter("source"), evidence))
        if source is not None and source.date is not None and source.date[8:] > "28"
    )
    suspects = sorted(late_in_month)
    for position in suspects:
        entry = ledger.evidence[position]
        candidates.append((("evidence", position, "date"), entry.date))
        candidates.append((("evidence", position, "recorded_at"), entry.recorded_at))
        if entry.source is not None and entry.source.date is not None:
            candidates.append((("evidence", position, "source", "date"), entry.source.date))
    for position, retraction in enumerate(ledger.retractions):
        if _might_be_impossible(retraction.recorded_at):
            candidates.append((("retractions", position, "recorded_at"), retraction.recorded_at))
    findings = []
    for location, text in candidates:
        problem = _impossible(text)
        if problem is not None:
            findings.append(Finding(location, f"{location[-1]}: {problem}"))
    return findings


def _references_hold(ledger: Ledger) -> bool:
    """Whether every id is unique and every reference resolves, by set operations.

    The common answer (yes) costs a few passes in C over a large ledger; only a ledger with a
    problem pays for the walk that names and places each one.
    """
    for records in (ledger.agreements, ledger.parties, ledger.terms, ledger.evidence,
                    ledger.retractions):
        ids = [record.id for record in records]
        if len(set(ids)) != len(ids):
            return False
    parties = {party.id for party in ledger.parties}
    agreements = {agreement.id for agreement in ledger.agreements}
    if not all(parties.issuperset(agreement.signatories) for agreement in ledger.agreements):
        return False
    if not all(term.agreement in agreements and parties.issuperset(term.obligors)
               and len(set(term.obligors)) == len(term.obligors) for term in ledger.terms):
        return False
    obligations = {(term.id, obligor) for term in ledger.terms for obligor in term.obligors}
    return (
        {(entry.term, entry.subject) for entry in ledger.evidence} <= obligations
        and {entry.claimant for entry in ledger.evidence} <= parties
        and {retraction.evidence for retraction in ledger.retractions}
        <= {entry.id for entry in ledger.evidence}
    )


def reference_findings(ledger: Ledger) -> list[Finding]:
    """Duplicate ids and references to things the ledger does not hold, in file order.

    Every command runs this on load: a ledger that fails it cannot give a trustworthy report.
    """
    if _references_hold(ledger):
        return []
    findings: list[Finding] = []

    def unique_ids(kind: str, records: tuple[Agreement | Party | Term | Evidence | Retraction, ...]
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
    terms = {term.id: term for term in ledger.terms}

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
    for position, entry in enumerate(ledger.evidence):
        entry_term = terms.get(entry.term)
        if entry_term is None:
            findings.append(Finding(("evidence", position, "term"),
                                    f"unknown term {entry.term!r}"))
        if entry.subject not in parties:
            findings.append(Finding(("evidence", position, "subject"),
                                    f"unknown party {entry.subject!r}"))
        elif entry_term is not None and entry.subject not in entry_term.obligors:
            findings.append(Finding(
                ("evidence", position, "subject"),
                f"party {entry.subject!r} is not an obligor of term {entry_term.id!r} "
                f"(obligors: {', '.join(entry_term.obligors)})",
            ))
        if entry.claimant not in parties:
            findings.append(Finding(("evidence", position, "claimant"),
                                    f"unknown party {entry.claimant!r}"))
    for position, retraction in enumerate(ledger.retractions):
        if retraction.evidence not in evidence:
            findings.append(Finding(("retractions", position, "evidence"),
                                    f"retracts unknown evidence entry {retraction.evidence!r}"))
    return findings
