"""Pydantic models of the ledger file: what each record holds and which values are valid. No I/O."""

from __future__ import annotations

from enum import StrEnum
from operator import attrgetter
from typing import TYPE_CHECKING, Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    StringConstraints,
    model_validator,
)

from ledger.core.dates import (
    FULL_DATE_PATTERN,
    PARTIAL_DATE_PATTERN,
    PERIOD_PATTERN,
    TIMESTAMP_PATTERN,
)
from ledger.core.words import Finding, ReviewAction, Role, Stance

SCHEMA_VERSION = 2

SLUG_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,63}$"
EVIDENCE_ID_PATTERN = r"^[0-9a-f]{12}$"
SHA256_PATTERN = r"^[0-9a-f]{64}$"
PATTERN_MEANINGS = {
    SLUG_PATTERN: "an id: 1-64 lowercase letters, digits, '.', '_' or '-'",
    EVIDENCE_ID_PATTERN: "an entry id: 12 hex digits",
    FULL_DATE_PATTERN: "a date: YYYY-MM-DD (year 0001-9999, month 01-12, a day the month has)",
    PARTIAL_DATE_PATTERN: "a date: YYYY, YYYY-MM or YYYY-MM-DD (year 0001-9999, month 01-12, "
    "a day the month has)",
    PERIOD_PATTERN: "a period: YYYY, YYYY-MM, YYYY-Qn, YYYY-Hn or YYYY-MM-DD (year 0001-9999, "
    "month 01-12, a day the month has)",
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
MAX_MONTHS = 1200
Months = Annotated[int, Field(ge=0, le=MAX_MONTHS, description="A number of months, 0 to 1200.")]
Author = Annotated[str, StringConstraints(min_length=1, max_length=200), Field(
    description="Who recorded it (`--by`, $COMPLIANCE_LEDGER_AUTHOR, git's user.name, or the "
                "login name); absent in records made before the program kept it.")]
FullDate = Annotated[
    str,
    StringConstraints(pattern=FULL_DATE_PATTERN),
    Field(description="A calendar date, YYYY-MM-DD."),
]
Period = Annotated[
    str,
    StringConstraints(pattern=PERIOD_PATTERN),
    Field(description="A period: YYYY, YYYY-Hn, YYYY-Qn, YYYY-MM or YYYY-MM-DD."),
]
Level = Annotated[int, Field(ge=0, le=3)]
DuePeriod = Annotated[
    str,
    StringConstraints(pattern=PERIOD_PATTERN),
    Field(description="When a term is due, at the precision known: YYYY-MM-DD, or by the end of "
                      "YYYY-MM, YYYY-Qn, YYYY-Hn or YYYY."),
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
    ended: FullDate | None = None
    """The day the agreement ended (`ledger agreement end`): its obligations are judged as they
    stood that day, and are never overdue after it."""
    stale_after: Months | None = None
    """Months after a position's dated period ends when it no longer counts (0 or none: never)."""
    recorded_at: Timestamp | None = None
    recorded_by: Author | None = None
    digest: EvidenceId | None = None


class Party(Kept):
    id: Slug
    name: Text
    role: Role = Role.OTHER
    aliases: tuple[Text, ...] = ()
    recorded_at: Timestamp | None = None
    recorded_by: Author | None = None
    digest: EvidenceId | None = None


class Term(Kept):
    id: Slug
    agreement: Slug
    title: Text
    category: Text
    obligors: tuple[Slug, ...] = Field(min_length=1)
    article: Text | None = None
    text: Text | None = None
    due: DuePeriod | None = None
    conditions: tuple[Slug, ...] | None = Field(default=None, min_length=1)
    """Terms this one waits on: it is not overdue until each is claimed for every obligor.
    None when there are none, so that a term without conditions reads (and hashes) as before."""
    recorded_at: Timestamp | None = None
    recorded_by: Author | None = None
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
    recorded_by: Author | None = None
    summary: Text
    speaker: Text | None = None
    quote: Text | None = None
    source: Source | None = None
    corrects: EvidenceId | None = None
    """The entry this one replaces (`evidence correct`), which carries a retraction."""
    statement: EvidenceId | None = None
    """One statement about several parties is one entry per party: each after the first names
    the first's id here (`evidence add --subject A --subject B`)."""

    def said(self) -> tuple[object, ...]:
        """What makes two entries the same statement: every field but the id, the recording time,
        the link to a statement's first entry and `corrects` (an export does not carry it: the
        id it names is of this ledger only, so a correction exported and imported again is the
        entry already there). A source compares by value."""
        return _STATEMENT(self)


_STATEMENT = attrgetter("term", "subject", "claimant", "stance", "date", "summary", "speaker",
                        "quote", "source")


class Retraction(Record):
    """Withdraws one evidence entry from every count; the entry itself stays in the file."""

    id: EvidenceId
    evidence: EvidenceId
    reason: Text
    recorded_at: Timestamp
    recorded_by: Author | None = None


class Assessment(Record):
    """The monitoring team's finding on one obligation (`term`, `party`) for one period, with
    its reasons and the entries it rests on; a draft until a second reader approves it
    (`Review`). Never rewritten: a correction is a new assessment that names the one it
    replaces (`corrects`), which is withdrawn."""

    id: EvidenceId
    term: Slug
    party: Slug
    period: Period
    finding: Finding
    level: Level | None = None
    """The Peace Accords Matrix's implementation scale: 0 not initiated, 1 minimal,
    2 intermediate, 3 full."""
    rationale: Text
    evidence: tuple[EvidenceId, ...] = ()
    corrects: EvidenceId | None = None
    recorded_at: Timestamp
    recorded_by: Author | None = None


class Review(Record):
    """A second reader's approval or rejection of an assessment, or its withdrawal."""

    id: EvidenceId
    assessment: EvidenceId
    action: ReviewAction
    reason: Text
    recorded_at: Timestamp
    recorded_by: Author | None = None


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
    ended: FullDate | None = None
    stale_after: Months | None = None
    name: Text | None = None
    role: Role | None = None
    aliases: tuple[Text, ...] | None = None
    category: Text | None = None
    obligors: tuple[Slug, ...] | None = Field(default=None, min_length=1)
    due: DuePeriod | None = None
    text: Text | None = None
    article: Text | None = None
    conditions: tuple[Slug, ...] | None = Field(default=None, min_length=1)


CHANGEABLE = {
    RecordKind.AGREEMENT: ("title", "signed", "signatories", "place", "url", "ended",
                           "stale_after"),
    RecordKind.PARTY: ("name", "role", "aliases"),
    RecordKind.TERM: ("title", "category", "obligors", "due", "text", "article", "conditions"),
}
CLEARABLE = ("signed", "place", "url", "ended", "stale_after", "due", "text", "article",
             "conditions")
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
    recorded_by: Author | None = None
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
    assessments: tuple[Assessment, ...] = ()
    reviews: tuple[Review, ...] = ()


OPTIONAL_LISTS = ("assessments", "reviews")
"""Lists a file holds only when they have records, so that a ledger with none is the same bytes
as before they existed (and an older copy of the program still reads it)."""

RECORD_KINDS: tuple[tuple[str, str, type[Record]], ...] = (
    ("agreements", "agreement", Agreement), ("parties", "party", Party), ("terms", "term", Term),
    ("evidence", "evidence entry", Evidence), ("retractions", "retraction", Retraction),
    ("changes", "change", Change), ("assessments", "assessment", Assessment),
    ("reviews", "review", Review))
"""Every list of records a user adds: the list's name in the file, a record's name, its type."""


