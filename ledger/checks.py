"""Every check that `ledger check` runs, as plain functions in one registry; findings are values."""

from __future__ import annotations

import hashlib
import os
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ledger.core.cautions import ledger_cautions
from ledger.core.counting import retracted_ids
from ledger.core.digests import digests_of_records, held_field
from ledger.core.documents import document_name_problem
from ledger.core.errors import Finding, InvalidValue, LedgerError, LedgerFileError, Problem
from ledger.core.model import RECORD_KINDS, Evidence, Ledger, RecordKind
from ledger.storage.files import DEFAULT_MAX_BYTES, document_path, read_inside

if TYPE_CHECKING:
    from ledger.storage.loading import LoadedLedger


@dataclass(frozen=True)
class CheckContext:
    """What the checks look at. The reference checks already ran when the ledger was loaded."""

    ledger: Ledger
    ledger_folder: Path
    sources_folder: Path | None = None
    tally: Counter[str] = field(default_factory=Counter)
    max_bytes: int = DEFAULT_MAX_BYTES
    notes: list[Finding] = field(default_factory=list)
    """What is worth knowing but fails nothing, such as a retracted entry's quote not found: the
    retraction already says the entry was wrong, and an append-only ledger cannot remove it."""


Check = Callable[[CheckContext], Iterator[Finding]]
CHECKS: list[Check] = []


def check(function: Check) -> Check:
    CHECKS.append(function)
    return function


@check
def content_digests(context: CheckContext) -> Iterator[Finding]:
    """A record or change whose digest no longer matches its content was edited by hand."""
    for name, what, kind in RECORD_KINDS:
        records: Sequence[Any] = getattr(context.ledger, name)
        held = held_field(kind)
        for position, (record, expected) in enumerate(
                zip(records, digests_of_records(records, kind), strict=True)):
            recorded = getattr(record, held)
            if recorded is None:
                yield Finding((name, position, "id"),
                              f"{what} {record.id} has no digest (added by hand?)")
            elif recorded != expected:
                yield Finding(
                    (name, position, held),
                    f"{what} {record.id} was changed after it was recorded "
                    f"(its content now hashes to {expected})",
                )


@check
def party_names_tell_parties_apart(context: CheckContext) -> Iterator[Finding]:
    """Two parties whose ids, names or aliases read alike, in any version (a hand edit, or a
    file from before ids counted as names): a report would not tell them apart. The command
    line refuses such a name; this catches one written into the file."""
    from ledger.core.clocks import lookalike_names

    positions = {party.id: position for position, party in enumerate(context.ledger.parties)}
    for pair in lookalike_names(context.ledger):
        what = (f"the id of party {pair.other!r}" if pair.other_name == pair.other
                else f"{pair.other_name!r}, a name of party {pair.other!r}")
        yield Finding(("parties", positions[pair.party], "id" if pair.name == pair.party
                       else "name"),
                      f"party {pair.party!r}: {pair.name!r} reads the same as {what} (`ledger "
                      "party correct` one of them to tell them apart)")


@check
def changes_follow_their_records(context: CheckContext) -> Iterator[Finding]:
    """A change cannot be recorded before the record it changes."""
    ledger = context.ledger
    added = {(kind, record.id): record.recorded_at
             for kind, records in ((RecordKind.AGREEMENT, ledger.agreements),
                                   (RecordKind.PARTY, ledger.parties),
                                   (RecordKind.TERM, ledger.terms))
             for record in records}
    for position, change in enumerate(ledger.changes):
        first = added.get((change.of, change.record))
        if first is not None and change.recorded_at < first:
            yield Finding(("changes", position, "recorded_at"),
                          f"change {change.id} of {change.of.value} {change.record!r} was "
                          f"recorded at {change.recorded_at}, before the {change.of.value} "
                          f"itself ({first})")


@check
def conditions_form_no_cycle(context: CheckContext) -> Iterator[Finding]:
    """A term that waits, through its conditions, on itself could never be judged overdue. The
    command line refuses such a condition; this catches one written into the file or merged in
    from two branches that each added half of the cycle."""
    from ledger.core.clocks import condition_cycle

    ledger = context.ledger
    cycle = condition_cycle(ledger)
    if cycle is None:
        return
    edges = set(zip(cycle, cycle[1:], strict=False))
    made_by_change = [position for position, change in enumerate(ledger.changes)
                      if any((change.record, condition) in edges
                             for condition in change.values.conditions or ())]
    where: tuple[str | int, ...] = (
        ("changes", made_by_change[-1], "values", "conditions") if made_by_change
        else ("terms", next(number for number, term in enumerate(ledger.terms)
                            if term.id == cycle[0]), "conditions"))
    yield Finding(where, f"conditions form a cycle: {' waits on '.join(cycle)} (undo it with "
                  "`ledger term correct ID --no-condition` or `--condition`)")


@check
def subjects_are_obligors(context: CheckContext) -> Iterator[Finding]:
    """An entry whose subject its term no longer binds on the entry's dates: the command line
    refuses the change of obligors that would make one, but two copies merged (one analyst adds
    the entry while another corrects the term) or a hand edit can."""
    from ledger.core.clocks import stranded_entries, why_stranded

    for position, entry, bound in stranded_entries(context.ledger):
        yield Finding(("evidence", position, "subject"),
                      f"entry {entry.id}: {why_stranded(entry, bound)}, so a report does not "
                      "count it where its subject is not bound: retract or correct the entry, "
                      "or correct the term's obligors")


@check
def one_correction_counts(context: CheckContext) -> Iterator[Finding]:
    """An entry corrected twice with both corrections counting (two analysts corrected it on
    their branches, and git merged both): the statement would count twice. A problem at each
    correction, naming every one."""
    retracted = retracted_ids(context.ledger)
    counting: dict[str, list[tuple[int, str]]] = {}
    for position, entry in enumerate(context.ledger.evidence):
        if entry.corrects is not None and entry.id not in retracted:
            counting.setdefault(entry.corrects, []).append((position, entry.id))
    for original, corrections in counting.items():
        if len(corrections) > 1:
            named = ", ".join(entry_id for _, entry_id in corrections)
            for position, entry_id in corrections:
                yield Finding(("evidence", position, "corrects"),
                              f"entry {entry_id} corrects {original}, and so do others: "
                              f"{len(corrections)} corrections count ({named}); retract the "
                              "wrong ones (`ledger evidence retract ID --reason ...`)")


_WHITESPACE_RUN = re.compile(r"\s+")
_TYPOGRAPHIC = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"',
})


def fold(text: str) -> str:
    """Runs of white space to one space, typographic quotes and apostrophes to plain; no more."""
    return _WHITESPACE_RUN.sub(" ", text.translate(_TYPOGRAPHIC))


class Documents:
    """Source documents inside the ledger's folder or under --sources, each read once.

    A name is looked up beside the ledger, then under --sources (as a path, then by file name
    anywhere below it). A name that leaves its folder, lexically or through a symbolic link, is a
    problem and the file is never opened: what `check` prints must not depend on any file
    outside those folders.
    """

    def __init__(self, ledger_folder: Path, sources_folder: Path | None = None,
                 max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self._ledger_folder, self._sources_folder = ledger_folder, sources_folder
        self._max_bytes = max_bytes
        self._by_name: dict[str, Path] | None = None
        self._cache: dict[Path, tuple[str, str]] = {}

    def find(self, name: str) -> Path | str | None:
        """The document's resolved path, or a problem with its name, or None when not found."""
        problem = document_name_problem(name)
        if problem is not None:
            return problem
        for folder in self._folders():
            try:
                path = document_path(folder, name)
            except (FileNotFoundError, NotADirectoryError):
                continue
            except OSError as error:  # a link loop, a name too long, no permission
                return f"source document {name!r} cannot be read: {error.strerror or error}"
            if path is None:
                return f"document {name!r} leaves the sources folder through a symbolic link"
            return path
        if self._sources_folder is None:
            return None
        return self._index(self._sources_folder).get(Path(name).name)

    def _index(self, folder: Path) -> dict[str, Path]:
        """Every file below `folder` by its name, the first in sorted order; links that lead out
        of the folder, or nowhere, are left out."""
        if self._by_name is None:
            self._by_name = {}
            for root, folders, files in os.walk(folder):
                folders.sort()
                for file in sorted(files):
                    relative = os.path.relpath(os.path.join(root, file), folder)
                    try:
                        inside = document_path(folder, relative)
                    except OSError:
                        continue
                    if inside is not None:
                        self._by_name.setdefault(file, inside)
        return self._by_name

    def read(self, path: Path) -> tuple[str, str]:
        """The document's SHA-256 and its folded text; LedgerError if it cannot be read.

        `path` is resolved inside one of the folders; it is opened from that folder without
        following links, so a link swapped in meanwhile cannot lead the read outside.
        """
        if path not in self._cache:
            base = next(Path(os.path.realpath(folder)) for folder in self._folders()
                        if path.is_relative_to(os.path.realpath(folder)))
            content = read_inside(base, path.relative_to(base), what="source document",
                                  max_bytes=self._max_bytes)
            self._cache[path] = (
                hashlib.sha256(content).hexdigest(),
                fold(content.decode("utf-8", "replace")),
            )
        return self._cache[path]

    def _folders(self) -> list[Path]:
        folders = [self._ledger_folder]
        if self._sources_folder is not None:
            folders.append(self._sources_folder)
        return folders


@check
def quotes_in_sources(context: CheckContext) -> Iterator[Finding]:
    """Each named source document exists with its recorded digest and holds the quote verbatim.

    Without --sources, a document not found beside the ledger is counted as not checked; with it,
    a missing document is a problem. A quote with no document is counted as unverifiable.
    """
    documents = Documents(context.ledger_folder, context.sources_folder, context.max_bytes)
    retracted = retracted_ids(context.ledger)
    for position, entry in enumerate(context.ledger.evidence):
        if entry.source is None or entry.source.document is None:  # most entries: nothing to read
            if entry.quote is not None and entry.id not in retracted:
                context.tally["unverifiable"] += 1
            continue
        if entry.id in retracted:
            context.notes.extend(
                Finding(finding.location, f"{finding.message} (the entry is retracted, so this "
                        "fails nothing)")
                for finding in _source_findings(context, documents, position, entry, Counter()))
        else:
            yield from _source_findings(context, documents, position, entry, context.tally)


def _source_findings(context: CheckContext, documents: Documents, position: int,
                     entry: Evidence, tally: Counter[str]) -> Iterator[Finding]:
    """One entry's problems with its source document and quote (counted in `tally`: a retracted
    entry's count nowhere)."""
    name = entry.source.document if entry.source else None
    if name is None:
        if entry.quote is not None:
            tally["unverifiable"] += 1
        return
    assert entry.source is not None
    where = ("evidence", position, "source", "document")
    found = documents.find(name)
    if isinstance(found, str):
        yield Finding(where, found)
        return
    try:
        if found is None:
            raise FileNotFoundError
        digest, text = documents.read(found)
    except FileNotFoundError:
        if context.sources_folder is None:
            tally["not checked"] += entry.quote is not None
        else:
            yield Finding(where, f"source document {name!r} not found beside the ledger or "
                          f"under {context.sources_folder}")
        return
    except LedgerError as error:
        yield Finding(where, str(error))
        return
    if entry.source.sha256 is not None and entry.source.sha256 != digest:
        yield Finding(("evidence", position, "source", "sha256"),
                      f"{found} has SHA-256 {digest}, not the recorded one")
    if entry.quote is None:
        return
    if fold(entry.quote) in text:
        tally["verified"] += 1
    else:
        tally["not found"] += 1
        yield Finding(("evidence", position, "quote"),
                      f"quote not found verbatim in {found}")


def run_checks(context: CheckContext) -> list[Finding]:
    return [finding for function in CHECKS for finding in function(context)]


def growth_findings(kept: Ledger, current: Ledger, current_name: str) -> list[Finding]:
    """Every record and change of `kept`, of every kind, that `current` lacks or holds changed.

    An amended term is not changed: its amendment is a record of its own. Placed in the kept
    copy. Comparing records by id, not a hash chain, keeps this true after two copies of a
    ledger are merged.
    """
    findings: list[Finding] = []
    for kind, what, _ in RECORD_KINDS:
        by_id = {record.id: record for record in getattr(current, kind)}
        for position, record in enumerate(getattr(kept, kind)):
            now = by_id.get(record.id)
            if now is None:
                findings.append(Finding((kind, position, "id"),
                                        f"{what} {record.id} is missing from {current_name}"))
            elif now != record:
                findings.append(Finding((kind, position, "id"),
                                        f"{what} {record.id} was changed in {current_name}"))
    return findings


@dataclass(frozen=True)
class CheckOutcome:
    """What `ledger check` found: the placed problems (first 1,000, and how many more), or none."""

    path: Path
    ledger: Ledger
    problems: list[Problem]
    more: int
    tally: Counter[str]
    kept: Path | None
    notes: list[Problem] = field(default_factory=list)
    """Placed notes: printed, failing nothing."""
    warnings: list[Problem] = field(default_factory=list)
    """Placed likely mistakes (`cautions`): printed; they fail `check --strict`."""
    more_warnings: int = 0

    def failure(self) -> LedgerFileError | None:
        return LedgerFileError(self.problems, self.more) if self.problems else None

    def summary(self) -> str:
        """The one line printed when nothing was found."""
        ledger, tally = self.ledger, self.tally
        retracted = len(retracted_ids(ledger))
        line = (f"{self.path}: ok: {len(ledger.agreements)} agreements, "
                f"{len(ledger.parties)} parties, {len(ledger.terms)} terms, "
                f"{len(ledger.evidence)} evidence entries ({retracted} retracted), "
                f"{len(ledger.retractions)} retractions, {len(ledger.changes)} changes"
                + (f", {len(ledger.assessments)} assessments, {len(ledger.reviews)} reviews"
                   if ledger.assessments else "")
                + f"; quotes: {tally['verified']} verified against their source, "
                f"{tally['unverifiable']} unverifiable (no source document)")
        if tally["not checked"]:
            line += f", {tally['not checked']} not checked (document not found: pass --sources DIR)"
        if self.kept is not None:
            line += f"; only grew since {self.kept}"
        return line


def check_ledger(loaded: LoadedLedger, *, sources: Path | None = None,
                 kept: LoadedLedger | None = None,
                 max_bytes: int = DEFAULT_MAX_BYTES) -> CheckOutcome:
    """Run every check on a loaded ledger; with `kept` (an older copy, loaded), also that every
    entry and retraction it holds is still here, unchanged. `max_bytes` bounds each document."""
    if sources is not None and not sources.is_dir():
        raise InvalidValue("sources", f"{sources} is not a folder")
    context = CheckContext(loaded.ledger, loaded.path.parent, sources, max_bytes=max_bytes)
    placed = loaded.place_all(run_checks(context))
    problems, more = placed.problems, placed.more
    if kept is not None:
        grown = kept.place_all(growth_findings(kept.ledger, loaded.ledger, str(loaded.path)))
        problems, more = problems + grown.problems, more + grown.more
    notes = loaded.place_all(context.notes).problems if context.notes else []
    cautions = [Finding(location, message)
                for location, message in ledger_cautions(loaded.ledger)]
    warned = loaded.place_all(cautions) if cautions else None
    return CheckOutcome(loaded.path, loaded.ledger, problems, more, context.tally,
                        kept.path if kept is not None else None, notes,
                        warned.problems if warned else [], warned.more if warned else 0)
