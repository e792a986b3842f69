"""One importer per kind: each row made into a record, checked against the ledger and the
rows before it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import compress
from operator import attrgetter
from typing import Any

from ledger.columns import split
from ledger.core import clocks, edits, entry_edits
from ledger.core.errors import InvalidValue
from ledger.core.model import Evidence, Ledger, Party, RecordKind, Term
from ledger.importing.tables import Row


@dataclass(frozen=True)
class Made:
    record: Any
    key: object
    """What the record holds but its recording time (and id, for an entry)."""


class KeptImporter:
    """Parties or terms: each row added to the ledger that the rows before it made, so that the
    record rules (ids, names that read alike) see them all."""

    kind: RecordKind
    deferred = False
    """Each row is made, and kept, before the next is checked (`settle` passes it on)."""

    def __init__(self, ledger: Ledger, recorded_by: str | None = None) -> None:
        self.ledger = ledger
        self.recorded_by = recorded_by
        self._pending = ledger
        self._rows: dict[str, tuple[tuple[object, ...], int]] = {}
        self.existing = _existing(ledger, self.kind, self._records(ledger), self._key)

    def settle(self, made: list[Any]) -> Iterator[Any]:
        return iter(made)

    def _records(self, ledger: Ledger) -> tuple[Any, ...]:
        return ledger.parties if self.kind is RecordKind.PARTY else ledger.terms

    def _key(self, record: Any) -> tuple[object, ...]:
        raise NotImplementedError

    def check_reference(self, column: str, value: str, row: Row) -> None:
        """A cell that names an agreement or a party the ledger does not hold, or a condition
        that is no term (nor one the file adds) or the row's own term."""
        if column == "agreement":
            edits.known_value("agreement", value, [agreement.id
                                                     for agreement in self.ledger.agreements])
        elif column == "obligors":
            edits.parties_named(self.ledger, "obligor", [value])
        elif column == "conditions":
            edits.conditions_of(self.ledger, row.get("id", ""), [value],
                                  getattr(self, "coming", frozenset()))

    def _in_file(self, id: str, key: tuple[object, ...], number: int) -> Made | None:
        """A row whose id an earlier row of the file holds: the same record (repeated) or a
        problem."""
        if id not in self._rows:
            self._rows[id] = (key, number)
            return None
        earlier_key, earlier = self._rows[id]
        if earlier_key != key:
            raise InvalidValue("id", f"{id!r} is also in row {earlier}, with other values")
        return Made(None, key)

    def _made(self, key: tuple[object, ...], grown: Ledger) -> Made:
        self._pending = grown
        return Made(self._records(grown)[-1], key)

    def keep(self, made: Made) -> None:
        self.ledger = self._pending

    def result(self) -> Ledger:
        return self.ledger


class PartyImporter(KeptImporter):
    kind = RecordKind.PARTY

    def _key(self, party: Party) -> tuple[object, ...]:
        return (party.id, party.name, party.role, party.aliases)

    def make(self, row: Row, recorded_at: datetime, number: int) -> Made | None:
        aliases = tuple(split(row.get("aliases", "")))
        role = edits.role_of(row.get("role", "other"))
        key = (row["id"], row["name"], role, aliases)
        if _already(self.existing, row["id"], key, "party"):
            return None
        repeated = self._in_file(row["id"], key, number)
        if repeated is not None:
            return repeated
        return self._made(key, edits.add_party(self.ledger, row["id"], name=row["name"],
                                                 role=role, aliases=aliases,
                                                 recorded_at=recorded_at,
                                                 recorded_by=self.recorded_by))


class TermImporter(KeptImporter):
    kind = RecordKind.TERM
    coming: frozenset[str] = frozenset()
    """The ids of the file's rows: a condition may name a term of a row further down."""

    def expect(self, rows: list[Row]) -> None:
        held = {term.id for term in self.ledger.terms}
        self.coming = frozenset(row["id"] for row in rows if "id" in row) - held

    def _key(self, term: Term) -> tuple[object, ...]:
        return (term.id, term.agreement, term.title, term.category, term.obligors, term.due,
                term.text, term.article, term.conditions or ())

    def make(self, row: Row, recorded_at: datetime, number: int) -> Made | None:
        agreements = [agreement.id for agreement in self.ledger.agreements]
        agreement = row.get("agreement") or (agreements[0] if len(agreements) == 1 else None)
        obligors = edits.parties_named(self.ledger, "obligor", split(row["obligors"]))
        conditions = tuple(dict.fromkeys(split(row.get("conditions", ""))))
        key = (row["id"], agreement, row["title"], row["category"], obligors,
               edits.valid_due(row.get("due")),
               row.get("text"), row.get("article"), conditions)
        if _already(self.existing, row["id"], key, "term"):
            return None
        repeated = self._in_file(row["id"], key, number)
        if repeated is not None:
            return repeated
        return self._made(key, edits.add_term(
            self.ledger, row["id"], title=row["title"], category=row["category"],
            obligors=obligors, agreement=row.get("agreement"), due=row.get("due"),
            text=row.get("text"), article=row.get("article"), conditions=conditions,
            recorded_at=recorded_at, recorded_by=self.recorded_by, coming=self.coming))


SUMMARY = attrgetter("summary")


ID = attrgetter("id")


def saying(evidence: Sequence[Evidence], summaries: set[str | None]) -> Iterator[Evidence]:
    """The entries whose summary is one of `summaries`, picked in C: two entries that say the
    same thing have the same summary, and a large ledger holds few with a given one."""
    return compress(evidence, map(summaries.__contains__, map(SUMMARY, evidence)))


class EvidenceImporter:
    _OPTIONS = {"speaker": "speaker", "quote": "quote", "source": "source",
                "publisher": "publisher", "url": "url", "source_date": "source_date",
                "document": "document", "sha256": "sha256"}

    def __init__(self, ledger: Ledger, recorded_by: str | None = None) -> None:
        self.ledger = ledger
        self.recorded_by = recorded_by
        self.maker = entry_edits.EvidenceMaker(ledger)
        self._existing: set[tuple[object, ...]] = set()
        self.new: list[Evidence] = []

    def expect(self, rows: Iterable[Row]) -> None:
        """Only entries with a summary that some row has can be one of the rows: those alone
        are compared in full (a large ledger holds few of them). A summary is imported as its
        cell holds it."""
        said = {row.get("summary") for row in rows}
        candidates = list(saying(self.ledger.evidence, said))
        if any("\\" in summary for summary in said if summary):  # an export's visible escapes
            from ledger.render.text import neutralise

            candidates += compress(self.ledger.evidence, map(
                said.__contains__, map(neutralise, map(SUMMARY, self.ledger.evidence))))
        keys = list(map(Evidence.said, candidates))
        self._existing = {*keys, *map(_as_exported, keys)}

    def _already(self, entry: Evidence, key: tuple[object, ...]) -> bool:
        return key in self._existing

    def check_reference(self, column: str, value: str, row: Row) -> None:
        if column == "term":
            self.maker.term(value)
        elif column == "claimant" or (column == "subject" and value != "all"):
            self.maker.party(column, value)

    deferred = True
    """Rows are checked one by one, and validated by Pydantic all at once (`settle`)."""

    def make(self, row: Row, recorded_at: datetime, number: int) -> list[dict[str, Any]]:
        """A row's entries: one, or one per subject where its `subject` cell names several
        (`a; b`, or `all`), as `evidence add --subject a --subject b` records them."""
        given = split(row["subject"]) if "subject" in row else None
        if given == []:
            raise InvalidValue("subject", f"{row['subject']!r} names no party: give a party "
                               "id, several separated by ';', or all")
        subjects: list[str | None] = (
            [None] if given is None else list(self.maker.subjects(row["term"], row["date"],
                                                                  given)))
        return [self.maker.content(
            term=row["term"], claimant=row["claimant"], stance=row["stance"], date=row["date"],
            summary=row["summary"], recorded_at=recorded_at, recorded_by=self.recorded_by,
            subject=subject,
            **{option: row.get(column) for column, option in self._OPTIONS.items()})
            for subject in subjects]

    def settle(self, rows: list[list[dict[str, Any]]]
               ) -> Iterator[list[Made | None] | InvalidValue]:
        """Each row's entries (None for one already in the ledger), or its first error. The
        new entries of one row are one statement: those after the first name it
        (`Evidence.statement`), so they are made again once its id is known."""
        made = iter(self.maker.finish([content for contents in rows for content in contents]))
        settled: list[tuple[list[Evidence | InvalidValue | None], list[int]] | InvalidValue] = []
        relinked: list[dict[str, Any]] = []
        for contents in rows:
            entries = [next(made) for _ in contents]
            error = next((entry for entry in entries if isinstance(entry, InvalidValue)), None)
            if error is not None:
                settled.append(error)
                continue
            new: list[Evidence | InvalidValue | None] = [
                None if self._already(entry, entry.said()) else entry
                for entry in entries if isinstance(entry, Evidence)]
            numbers = [number for number, entry in enumerate(new) if isinstance(entry, Evidence)]
            if len(numbers) > 1:
                first = new[numbers[0]]
                assert isinstance(first, Evidence)
                relinked += [{**contents[number], "statement": first.id}
                             for number in numbers[1:]]
            settled.append((new, numbers[1:]))
        again = iter(self.maker.finish(relinked))
        for outcome in settled:
            if isinstance(outcome, InvalidValue):
                yield outcome
                continue
            new, linked = outcome
            for number in linked:
                new[number] = next(again)
            error = next((entry for entry in new if isinstance(entry, InvalidValue)), None)
            if error is not None:
                yield error
                continue
            yield [Made(entry, entry.said()) if isinstance(entry, Evidence) else None
                   for entry in new]

    def keep(self, made: Made) -> None:
        self.new.append(made.record)

    def result(self) -> Ledger:
        return self.ledger.model_copy(update={"evidence": (*self.ledger.evidence, *self.new)})


def _existing(ledger: Ledger, kind: RecordKind, records: Iterable[Any],
              key: Callable[[Any], tuple[object, ...]]) -> dict[str, set[tuple[object, ...]]]:
    """Each record's keys, as it was added and in every version since (an export shows the
    version in force, so a re-imported export matches it)."""
    grouped = clocks.changes_by_record(ledger.changes)
    found: dict[str, set[tuple[object, ...]]] = {}
    for record in records:
        versions = clocks.versions_in_force(record, grouped.get((kind, record.id), []))
        keys = [key(record), *map(key, versions)]
        found[record.id] = {*keys, *map(_as_exported, keys)}
    return found


def _as_exported(value: Any) -> Any:
    """A record's value as a CSV export of it holds it: its text neutralised (control and
    invisible characters written as visible escapes, as every output writes them), so that a
    row of an unedited export is the record it came from."""
    from ledger.core.model import Source
    from ledger.render.text import neutralise

    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, tuple):
        return tuple(map(_as_exported, value))
    if isinstance(value, Source):
        return value.model_copy(update={name: neutralise(text) for name, text in value
                                        if isinstance(text, str)})
    return value


_KEY_FIELDS = {"party": ("id", "name", "role", "aliases"),
               "term": ("id", "agreement", "title", "category", "obligors", "due", "text",
                        "article", "conditions")}
"""The columns that a party's or a term's key holds, in order."""


def _already(existing: dict[str, set[tuple[object, ...]]], id: str, key: tuple[object, ...],
             what: str) -> bool:
    """Whether the row is the record of that id already in the ledger; a problem, placed at
    the first column that differs, if the id is taken by a record with other values."""
    if id not in existing:
        return False
    if key in existing[id]:
        return True
    fields = _KEY_FIELDS[what]
    closest = min(existing[id], key=lambda version: sum(map(
        lambda mine, theirs: mine != theirs, key, version)))
    differ = [name for name, mine, theirs in zip(fields, key, closest, strict=True)
              if mine != theirs]
    raise InvalidValue(differ[0], f"the {what} {id!r} is already in the ledger with another "
                       f"{' and '.join(differ)}: change it there with `ledger {what} correct "
                       f"{id}` (or `amend`)")
