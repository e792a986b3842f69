"""Changes to evidence: add entries (one or a batch), retract them, correct them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import cache
from operator import attrgetter
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError

from ledger.core import clocks
from ledger.core.counting import retractions_by_entry
from ledger.core.dates import (
    begins_after,
    first_day,
    format_timestamp,
    last_day,
    parse_timestamp,
    recorded_day,
)
from ledger.core.digests import digests_of, record_digest
from ledger.core.edits import (
    checked_document,
    optional_text,
    party_ids,
    required_text,
    stance_of,
    valid_date,
)
from ledger.core.errors import InvalidValue, LedgerError
from ledger.core.model import (
    Assessment,
    Evidence,
    Ledger,
    RecordKind,
    Retraction,
    Stance,
)
from ledger.core.naming import closest_ids, id_named, party_names


@cache
def _evidence_batch() -> TypeAdapter[list[Evidence]]:
    """Validates a batch of entries in one call into Pydantic (made once, when first needed)."""
    return TypeAdapter(list[Evidence])


_ID = attrgetter("id")


class EvidenceMaker:
    """Makes evidence entries for one ledger: its terms, parties, amendments and entry ids
    looked up once, so that a batch of entries (an import) costs each entry, not the ledger."""

    def __init__(self, ledger: Ledger) -> None:
        self.terms = {known.id: known for known in ledger.terms}
        self.parties = party_ids(ledger)
        self._party_set = set(self.parties)
        self._party_names = party_names(ledger)
        self._changes = clocks.changes_by_record(ledger.changes)
        self._taken = set(map(_ID, ledger.evidence))
        self._obligors_moved: dict[str, bool] = {}

    def term(self, term: str) -> str:
        return term if term in self.terms else id_named("term", "term", term, list(self.terms))

    def _obligors(self, term: str, checked_date: str) -> tuple[str, ...]:
        """The parties bound by the term throughout the entry's dated period."""
        changes = self._changes.get((RecordKind.TERM, term), [])
        if term not in self._obligors_moved:
            self._obligors_moved[term] = any(change.values.obligors for change in changes)
        if not self._obligors_moved[term]:
            return self.terms[term].obligors  # no change ever moved them: the term's own
        throughout = clocks.obligors_throughout(self.terms[term], changes,
                                                 first_day(checked_date), last_day(checked_date))
        everyone = (*self.terms[term].obligors, *(party for change in changes
                                                  for party in change.values.obligors or ()))
        return tuple(dict.fromkeys(party for party in everyone if party in throughout))

    def obligors_on(self, term: str, checked_date: str) -> tuple[str, ...]:
        """The term's obligors throughout a checked date's period."""
        return self._obligors(term, checked_date)

    def subjects(self, term: str, date: str, given: Sequence[str]) -> list[str]:
        """The subjects one statement is about, once each in the order given: `all` stands for
        every obligor of the term on the entry's date, in the term's order."""
        if list(given) == ["all"]:
            return list(self.obligors_on(self.term(term),
                                         valid_date("date", date, full=False) or ""))
        return list(dict.fromkeys(self.party("subject", subject) for subject in given))

    def party(self, field: str, party: str) -> str:
        """The id of the party `party` names (its id, name or an alias)."""
        if party in self._party_set:
            return party
        return id_named(field, "party", party, self.parties, self._party_names)

    def make(self, **fields: Any) -> Evidence:
        """A new entry, checked (`content` names the fields and their rules)."""
        made = self.finish([self.content(**fields)])[0]
        if isinstance(made, InvalidValue):
            raise made
        return made

    def content(self, *, term: str, claimant: str, stance: Stance | str, date: str,
                summary: str, recorded_at: datetime, recorded_by: str | None = None,
                subject: str | None = None,
                speaker: str | None = None, quote: str | None = None,
                source: str | None = None, publisher: str | None = None,
                url: str | None = None, source_date: str | None = None,
                document: str | None = None, sha256: str | None = None,
                corrects: str | None = None, statement: str | None = None) -> dict[str, Any]:
        """A new entry's fields as its JSON holds them (None left out), checked; no id yet.

        The subject must be an obligor of the term as it stood on the entry's date (amendments
        in force then, corrections always).
        """
        self.term(term)
        checked_date = valid_date("date", date, full=False) or ""
        recorded_on = recorded_day(format_timestamp(recorded_at))
        if begins_after(checked_date, recorded_on):
            raise InvalidValue("date", f"{checked_date} begins after the day it is recorded "
                               f"({recorded_on}): a statement is recorded once it is made")
        obligors = self._obligors(term, checked_date)
        if subject is None:
            if len(obligors) != 1:
                raise InvalidValue(
                    "subject", f"required: term {term!r} has {len(obligors)} obligors "
                    f"({', '.join(obligors)})"
                )
            subject = obligors[0]
        elif subject not in self._party_set:
            subject = self.party("subject", subject)
        if subject not in obligors:
            raise InvalidValue(
                "subject", f"{subject!r} is not an obligor of term {term!r} throughout "
                f"{checked_date} (obligors then: {', '.join(obligors) or 'none'})"
            )
        claimant = self.party("claimant", claimant)
        published = valid_date("source_date", source_date, full=False)
        if published is not None and begins_after(published, recorded_on):
            raise InvalidValue("source_date", f"{published} begins after the day the entry is "
                               f"recorded ({recorded_on}): a source is cited once published")
        source_fields = {
            "title": optional_text("source", source),
            "publisher": optional_text("publisher", publisher),
            "url": optional_text("url", url),
            "date": published,
            "document": checked_document("document", document), "sha256": sha256,
        }
        values = {
            "term": term, "subject": subject, "claimant": claimant,
            "stance": stance_of(stance).value, "date": checked_date,
            "recorded_at": format_timestamp(recorded_at),
            "recorded_by": recorded_by,
            "summary": required_text("summary", summary),
            "speaker": optional_text("speaker", speaker),
            "quote": optional_text("quote", quote),
            "source": {name: value for name, value in source_fields.items()
                       if value is not None} or None,
            "corrects": corrects,
            "statement": statement,
        }
        return {name: value for name, value in values.items() if value is not None}

    def finish(self, contents: list[dict[str, Any]]) -> list[Evidence | InvalidValue]:
        """The entries of checked `contents`, validated by Pydantic in one call for the batch,
        each with the id its content implies (`record_digest`'s rule: the same canonical JSON,
        since validation changes no value); a recording time that would give an id already
        made is moved on by a microsecond. An entry that fails validation is its error."""
        ids = digests_of(contents)
        for number, id in enumerate(ids):
            while id in self._taken:
                moment = parse_timestamp(contents[number]["recorded_at"])
                contents[number] = {**contents[number], "recorded_at": format_timestamp(
                    moment + timedelta(microseconds=1))}
                id = digests_of([contents[number]])[0]
            self._taken.add(id)
            ids[number] = id
        records = [{"id": id, **content} for id, content in zip(ids, contents, strict=True)]
        try:
            return list(_evidence_batch().validate_python(records))
        except ValidationError:
            return [_validated_entry(record) for record in records]


_SOURCE_FIELD_NAMES = {"title": "source", "date": "source_date"}
"""The option (and column) that sets each field of an entry's source, where it differs."""


def _validated_entry(record: dict[str, Any]) -> Evidence | InvalidValue:
    try:
        return Evidence.model_validate(record)
    except ValidationError as error:
        detail = error.errors()[0]
        location = [step for step in detail["loc"] if isinstance(step, str)]
        field = (_SOURCE_FIELD_NAMES.get(location[1], location[1]) if location[:1] == ["source"]
                 and len(location) > 1 else location[0] if location else "id")
        return InvalidValue(field, str(detail["msg"]).removeprefix("Value error, "))


def add_statement(ledger: Ledger, *, subjects: Sequence[str], recorded_at: datetime,
                  **fields: Any) -> tuple[Ledger, list[Evidence]]:
    """One statement about several subjects: an entry per subject, in the order given, each
    after the first linked to it (`statement`). `all` stands for every obligor of the term on
    the entry's date, in the term's order."""
    entries: list[Evidence] = []
    for subject in EvidenceMaker(ledger).subjects(str(fields.get("term")),
                                                  str(fields.get("date")), subjects):
        ledger, entry = add_evidence(ledger, recorded_at=recorded_at, **fields, subject=subject,
                                     statement=entries[0].id if entries else None)
        entries.append(entry)
    return ledger, entries


def add_evidence(ledger: Ledger, *, recorded_at: datetime, **fields: Any) -> tuple[Ledger,
                                                                                  Evidence]:
    """Append one evidence entry (`EvidenceMaker.make` names the fields and their rules)."""
    entry = EvidenceMaker(ledger).make(recorded_at=recorded_at, **fields)
    return ledger.model_copy(update={"evidence": (*ledger.evidence, entry)}), entry


_Identified = TypeVar("_Identified", Evidence, Assessment)


def by_id_prefix(records: Sequence[_Identified], prefix: str, what: str,
                 many: str) -> _Identified:
    """The record whose id starts with `prefix`, as git resolves a short commit id; `what` and
    `many` name one record and several in the message of a prefix that matches none or more
    than one."""
    wanted = prefix.lower()
    matches = [record for record in records if record.id.startswith(wanted)]
    if not wanted or not matches:
        close = closest_ids(wanted, map(attrgetter("id"), records)) if wanted else []
        meant = f" (did you mean {' or '.join(map(repr, close))}?)" if close else ""
        raise InvalidValue("id", f"no {what} with id {prefix!r}{meant}")
    if len(matches) > 1:
        shown = ", ".join(record.id for record in matches[:10])
        more = f" and {len(matches) - 10} more" if len(matches) > 10 else ""
        raise InvalidValue(
            "id", f"{prefix!r} is ambiguous: {len(matches)} {many} start with it ({shown}{more})"
        )
    return matches[0]


def resolve_evidence(ledger: Ledger, prefix: str) -> Evidence:
    """The entry whose id starts with `prefix` (`by_id_prefix`)."""
    return by_id_prefix(ledger.evidence, prefix, "evidence entry", "entries")


def retraction_of(ledger: Ledger, evidence_id: str) -> Retraction | None:
    """The entry's retraction, if it has one (`retractions_by_entry`)."""
    return retractions_by_entry(ledger).get(evidence_id)


def retract(ledger: Ledger, prefix: str, *, reason: str, recorded_at: datetime,
            recorded_by: str | None = None) -> tuple[Ledger, Retraction]:
    entry = resolve_evidence(ledger, prefix)
    earlier = retraction_of(ledger, entry.id)
    if earlier is not None:
        raise LedgerError(
            f"evidence {entry.id} was already retracted at {earlier.recorded_at}: {earlier.reason}"
        )
    draft = Retraction(id="0" * 12, evidence=entry.id, reason=required_text("reason", reason),
                       recorded_at=format_timestamp(recorded_at), recorded_by=recorded_by)
    retraction = draft.model_copy(update={"id": record_digest(draft)})
    return ledger.model_copy(update={"retractions": (*ledger.retractions, retraction)}), retraction


def correct_evidence(ledger: Ledger, prefix: str, *, reason: str, recorded_at: datetime,
                     recorded_by: str | None = None,
                     **fields: str | Stance | None) -> tuple[Ledger, Evidence]:
    """Retract an entry with `reason` and record a corrected copy that names it (`corrects`).

    Every field is carried over except those given (None means "not given"). Evidence is never
    amended: a party that changes its position is a new entry; this is for an entry that was
    recorded wrong (the wrong term, a misread date).
    """
    entry = resolve_evidence(ledger, prefix)
    given = {name: value for name, value in fields.items() if value is not None}
    if not given:
        raise InvalidValue("reason", "a correction must give at least one corrected field")
    source = entry.source
    carried: dict[str, object] = {
        "term": entry.term, "subject": entry.subject, "claimant": entry.claimant,
        "stance": entry.stance, "date": entry.date, "summary": entry.summary,
        "speaker": entry.speaker, "quote": entry.quote,
        "source": source.title if source else None,
        "publisher": source.publisher if source else None,
        "url": source.url if source else None,
        "source_date": source.date if source else None,
        "document": source.document if source else None,
        "sha256": source.sha256 if source else None,
    }
    unknown = [name for name in given if name not in carried]
    if unknown:
        raise InvalidValue(unknown[0], "not a field of an evidence entry")
    if "term" in given and "subject" not in given:
        carried["subject"] = None  # the new term's one obligor, or an error that lists them
    carried.update(given)
    retracted, _ = retract(ledger, entry.id, reason=reason, recorded_at=recorded_at,
                           recorded_by=recorded_by)
    return add_evidence(retracted, recorded_at=recorded_at, recorded_by=recorded_by,
                        corrects=entry.id, **carried)
