"""Likely mistakes: each rule written once, for one record, used by the commands that record (a
warning on stderr, naming the option) and by `ledger check` (placed, failing with --strict).

A warning never stops a command: a date after today may be a typo or a scheduled statement, and
only the person recording knows. Reads no clock: a statement's date is compared with the time it
was recorded, which a command takes from the one clock.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator

from ledger.core import clocks
from ledger.core.counting import counts_from, retracted_ids
from ledger.core.dates import begins_after, end_day, ends_before, recorded_day
from ledger.core.model import (
    Agreement,
    Change,
    ChangeKind,
    Evidence,
    Ledger,
    RecordKind,
    Stance,
    Term,
)

Caution = tuple[str, str]
"""(field, message): the field names the option on the command line and the value in the file."""


def dated_after_recording(entry: Evidence) -> str | None:
    recorded_on = recorded_day(entry.recorded_at)
    if begins_after(entry.date, recorded_on):
        return (f"{entry.date} is after the day it is recorded ({recorded_on}): a "
                "statement is dated when it was made")
    return None


def dated_before_signing(entry: Evidence, signed: str | None) -> str | None:
    """An entry whose whole period ended before its agreement was signed says nothing about
    compliance with it; context from before the signing is recorded with the stance `notes`."""
    if entry.stance is not Stance.NOTES and signed and ends_before(entry.date, signed):
        return (f"{entry.date} ended before its agreement was signed ({signed}); conduct before "
                "the agreement is context: record it with --stance notes")
    return None


def due_before_signing(due: str | None, signed: str | None) -> str | None:
    if due is not None and signed is not None and end_day(due) < signed:
        return f"due {due}, before its agreement was signed ({signed})"
    return None


def one_typo_apart(first: str, second: str) -> bool:
    """Whether two words differ by a letter left out or doubled, two letters swapped, or (in a
    long word) one letter mistyped: the typos that make `humanitrian` or `withdrawl`, not the
    difference between two words (`police`, `policy`) or two numbers (`phase-1`, `phase-2`)."""
    if first == second or abs(len(first) - len(second)) > 1:
        return False
    if len(first) == len(second):
        differ = [index for index, (a, b) in enumerate(zip(first, second, strict=True)) if a != b]
        if len(differ) == 2:
            return (differ[1] == differ[0] + 1 and first[differ[0]] == second[differ[1]]
                    and first[differ[1]] == second[differ[0]])
        return (len(differ) == 1 and len(first) >= 8 and first[differ[0]].isalpha()
                and second[differ[0]].isalpha())
    shorter, longer = sorted((first, second), key=len)
    index = next((at for at, (a, b) in enumerate(zip(shorter, longer, strict=False)) if a != b),
                 len(shorter))
    return longer[index].isalpha() and shorter[index:] == longer[index + 1:]


def near_category(category: str, others: Iterable[str]) -> str | None:
    """A new category that differs from one the ledger has only in case, or by one typo
    (`humanitrian`): filters by category would then split what belongs together."""
    known = set(others)
    if category in known:
        return None
    same = sorted(other for other in known if other.lower() == category.lower())
    if same:
        return f"{category!r} is new, and differs only in case from the category {same[0]!r}"
    if len(category) < 5:
        return None
    near = sorted(other for other in known if one_typo_apart(category.lower(), other.lower()))
    if near:
        return f"{category!r} is new, and one letter away from the category {near[0]!r}"
    return None


_WEB_ADDRESS = re.compile(r"(?i:https?|ftp)://[^\s/?#]\S*|(?i:mailto|urn|doi):\S+")


def web_address(url: str) -> bool:
    """Whether a reader can follow `url`: a web address with a host and no white space, or a
    mail, URN or DOI name."""
    return _WEB_ADDRESS.fullmatch(url) is not None


def doubtful_url(url: str | None) -> str | None:
    """An address a reader cannot follow: no scheme and host (`not a url`, `www.x.org/a`)."""
    if url is None or web_address(url):
        return None
    return f"{url!r} is not a web address (https://...)"


def counted_after_the_end(entry: Evidence, agreement: Agreement | None) -> str | None:
    """An entry that counts only from after its agreement ended (the end as the ledger now
    states it) counts in no report: the agreement's obligations stand as they stood that day.
    A note is context, and never counts anyway."""
    if agreement is None or agreement.ended is None or entry.stance is Stance.NOTES:
        return None
    start = counts_from(entry)
    if start <= agreement.ended:
        return None
    return (f"entry {entry.id} counts from {start}, after its agreement {agreement.id} ended "
            f"({agreement.ended}): no report counts it")


def agreements_of_terms(ledger: Ledger) -> dict[str, Agreement]:
    """Each term's agreement as its changes now state it (every amendment and correction), by
    term id: its day of signing and the day it ended, as far as the ledger knows."""
    grouped = clocks.changes_by_record(ledger.changes)
    current = {agreement.id: clocks.apply(agreement, grouped.get(
        (RecordKind.AGREEMENT, agreement.id), []), None)
        for agreement in ledger.agreements}
    return {term.id: current[term.agreement] for term in ledger.terms
            if term.agreement in current}


def entry_rules(entry: Evidence, agreement: Agreement | None, twin: str | None = None
                ) -> list[Caution]:
    """Every rule for one entry, given its term's agreement (`agreements_of_terms`) and the id
    of an earlier entry with the same statement (found by the caller, which alone knows how to
    look cheaply): the one list that `evidence add`, an import and `check` word their warnings
    from."""
    signed = agreement.signed if agreement is not None else None
    found = [
        ("date", dated_after_recording(entry)),
        ("date", dated_before_signing(entry, signed)),
        ("date", counted_after_the_end(entry, agreement)),
        ("url", doubtful_url(entry.source.url if entry.source else None)),
        ("summary", f"the same statement as entry {twin}" if twin is not None else None),
    ]
    return [(field, message) for field, message in found if message is not None]


def same_statement(ledger: Ledger, entry: Evidence) -> str | None:
    """The id of another counted entry (not retracted) that says the same (`Evidence.said`)."""
    retracted = retracted_ids(ledger)
    same, summary = entry.said(), entry.summary
    return next((other.id for other in ledger.evidence if other.summary == summary
                 and other.id != entry.id and other.id not in retracted
                 and other.said() == same), None)


def entry_cautions(ledger: Ledger, entry: Evidence) -> list[Caution]:
    """What to warn of when `entry` (already in `ledger`) is recorded."""
    return entry_rules(entry, agreements_of_terms(ledger).get(entry.term),
                       same_statement(ledger, entry))


def term_cautions(ledger: Ledger, term: Term, categories: set[str] | None = None,
                  signed: str | None = None) -> list[Caution]:
    """What to warn of when `term` (a version of a term in `ledger`) is recorded; `categories`:
    those it is compared with (default: every other term's); `signed`: its agreement's day of
    signing, when the caller has it."""
    if signed is None:
        agreement = agreements_of_terms(ledger).get(term.id)
        signed = agreement.signed if agreement is not None else None
    others = categories if categories is not None else {
        known.category for known in ledger.terms if known.id != term.id}
    found = [("due", due_before_signing(term.due, signed)),
             ("category", near_category(term.category, others))]
    return [(field, message) for field, message in found if message is not None]


def agreement_cautions(ledger: Ledger, agreement: Agreement) -> list[Caution]:
    """What to warn of when `agreement` (a version of one in `ledger`) is recorded."""
    early = sorted(term.id for term in ledger.terms if term.agreement == agreement.id
                   and due_before_signing(term.due, agreement.signed))
    found = [("url", doubtful_url(agreement.url)),
             ("signed", f"signed {agreement.signed}, after the due day of its terms "
                        f"{', '.join(early)}" if early else None),
             ("ended", ended_before_signing(agreement.ended, agreement.signed))]
    return [(field, message) for field, message in found if message is not None]


def ended_before_signing(ended: str | None, signed: str | None) -> str | None:
    if ended is not None and signed is not None and ended < signed:
        return f"ended {ended}, before it was signed ({signed})"
    return None


def change_cautions(ledger: Ledger, change: Change) -> list[Caution]:
    """What to warn of when `change` (already in `ledger`) is recorded: an end after the day
    it is recorded, or a second end; and a correction of a field that an amendment of the same
    record sets, which therefore changes nothing from that amendment's day on (a correction
    fixes the record as entered, under its amendments)."""
    found: list[Caution] = []
    given = change.values.model_fields_set
    ended = change.values.ended
    if ended is not None and ended > recorded_day(change.recorded_at):
        found.append(("ended", f"ended {ended}, after the day it is recorded "
                               f"({recorded_day(change.recorded_at)})"))
    if ended is not None and change.of is RecordKind.AGREEMENT:
        agreement = next(known for known in ledger.agreements if known.id == change.record)
        signed = clocks.apply(agreement, clocks.changes_by_record(ledger.changes).get(
            (RecordKind.AGREEMENT, agreement.id), []), None).signed
        warned = ended_before_signing(ended, signed)
        if warned is not None:
            found.append(("ended", warned))
    others = [other for other in clocks.in_order(ledger.changes) if other.id != change.id
              and (other.of, other.record) == (change.of, change.record)]
    if ended is not None and change.kind is ChangeKind.AMENDMENT:
        recorded_before = ledger.changes[:ledger.changes.index(change)]
        earlier = [other for other in recorded_before if other.values.ended is not None
                   and (other.of, other.record) == (change.of, change.record)]
        if earlier:
            found.append(("ended", f"it was already recorded as ended on "
                                   f"{earlier[-1].values.ended} (change {earlier[-1].id}); "
                                   f"from {change.effective} on, it ended {ended}"))
    if change.kind is ChangeKind.CORRECTION:
        for field in (*sorted(given), *change.cleared):
            over = next((other for other in others if other.kind is ChangeKind.AMENDMENT
                         and (field in other.values.model_fields_set
                              or field in other.cleared)), None)
            if over is not None:
                found.append((field, f"an amendment from {over.effective} (change {over.id}) "
                              f"sets {field} over this correction from that day on: to change "
                              f"it from then, amend it with --effective {over.effective}"))
    return found


def _assessment_cautions(ledger: Ledger) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """An assessment that cites an entry retracted since it was recorded: the finding may rest
    on something no longer held true, and a second look is due (one it had been withdrawn from
    is no concern)."""
    if not ledger.assessments:
        return
    from ledger.core.assessments import by_obligation_and_period, cautions_of, standings
    from ledger.core.counting import retractions_by_entry

    retractions = retractions_by_entry(ledger)
    standing = standings(ledger)
    agreements = agreements_of_terms(ledger)
    groups = by_obligation_and_period(ledger)
    for position, assessment in enumerate(ledger.assessments):
        if standing[assessment.id].state in ("withdrawn", "rejected"):
            continue
        for field, message in cautions_of(ledger, assessment, standing=standing,
                                          agreements=agreements, groups=groups):
            yield ("assessments", position, field), message
        for slot, entry_id in enumerate(assessment.evidence):
            retraction = retractions.get(entry_id)
            if retraction is not None:
                yield (("assessments", position, "evidence", slot),
                       f"cites entry {entry_id}, retracted at {retraction.recorded_at} "
                       f"({retraction.reason}): look at the finding again")


def _entry_cautions(ledger: Ledger) -> list[tuple[tuple[str | int, ...], str]]:
    """Every entry's likely mistakes, in file order, by `entry_rules`. A retracted entry is left
    alone: its retraction already says it was wrong, and the file keeps it for ever. Only entries
    whose summary is said more than once can repeat a statement."""
    agreements = agreements_of_terms(ledger)
    retracted = retracted_ids(ledger)
    said = Counter(entry.summary for entry in ledger.evidence)
    first_said: dict[tuple[object, ...], str] = {}
    found: list[tuple[tuple[str | int, ...], str]] = []
    for position, entry in enumerate(ledger.evidence):
        if entry.id in retracted:
            continue
        twin = None
        if said[entry.summary] > 1:
            first = first_said.setdefault(entry.said(), entry.id)
            twin = None if first == entry.id else first
        found += [(("evidence", position, "source", "url") if field == "url"
                   else ("evidence", position, field), message)
                  for field, message in entry_rules(entry, agreements.get(entry.term), twin)]
    return found


def ledger_cautions(ledger: Ledger) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every likely mistake in the ledger as recorded, by where it stands in the file."""
    yield from _entry_cautions(ledger)
    yield from _assessment_cautions(ledger)
    grouped = clocks.changes_by_record(ledger.changes)
    change_positions = {change.id: position for position, change in enumerate(ledger.changes)}

    def where(kind: RecordKind, lists: str, position: int, record_id: str, field: str
              ) -> tuple[str | int, ...]:
        """Where the value in force stands: in the change that set it, else in the record."""
        change = clocks.setting(grouped.get((kind, record_id), []), field)
        if change is not None and field in change.values.model_fields_set:
            return ("changes", change_positions[change.id], "values", field)
        return (lists, position, field)

    agreements = {agreement.id: clocks.apply(
        agreement, grouped.get((RecordKind.AGREEMENT, agreement.id), []), None)
        for agreement in ledger.agreements}
    categories: set[str] = set()
    for position, recorded in enumerate(ledger.terms):
        term = clocks.apply(recorded, grouped.get((RecordKind.TERM, recorded.id), []), None)
        agreement = agreements.get(term.agreement)
        for field, warned in term_cautions(ledger, term, categories,
                                           agreement.signed if agreement else None):
            yield where(RecordKind.TERM, "terms", position, term.id, field), warned
        categories.add(term.category)
    for position, agreement in enumerate(agreements.values()):
        doubtful = doubtful_url(agreement.url)
        if doubtful is not None:
            yield where(RecordKind.AGREEMENT, "agreements", position, agreement.id,
                        "url"), doubtful
