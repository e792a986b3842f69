"""What refers to what (terms to agreements and parties, entries to terms), checked one way."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from operator import attrgetter

from ledger.core.errors import Finding
from ledger.core.model import (
    Agreement,
    Assessment,
    Change,
    Evidence,
    Ledger,
    Party,
    Record,
    RecordKind,
    Retraction,
    Review,
    Term,
)


def _references_hold(ledger: Ledger, new: Ledger | None = None) -> bool:
    """Whether every id is unique and every reference resolves, by set operations.

    The common answer (yes) costs a few passes in C over a large ledger; only a ledger with a
    problem pays for the walk that names and places each one. With `new`, only its records'
    references are followed (see `reference_findings`).
    """
    identify = attrgetter("id")
    lists = (ledger.agreements, ledger.parties, ledger.terms, ledger.evidence,
             ledger.retractions, ledger.changes, ledger.assessments, ledger.reviews)
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
    assessment_ids = ids[6]
    return (
        obligations.issuperset(map(attrgetter("term", "subject"), evidence))
        and parties.issuperset(map(attrgetter("claimant"), evidence))
        and entry_ids.issuperset(map(attrgetter("evidence"), checked.retractions))
        and entry_ids.issuperset(filter(None, map(attrgetter("corrects"), evidence)))
        and obligations.issuperset(map(attrgetter("term", "party"), checked.assessments))
        and all(entry_ids.issuperset(assessment.evidence) for assessment in checked.assessments)
        and assessment_ids.issuperset(filter(None, map(attrgetter("corrects"),
                                                       checked.assessments)))
        and assessment_ids.issuperset(map(attrgetter("assessment"), checked.reviews))
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
    if isinstance(record, Assessment):
        return [("terms", record.term), ("parties", record.party),
                *(("evidence", entry) for entry in record.evidence),
                *((("assessments", record.corrects),) if record.corrects else ())]
    if isinstance(record, Review):
        return [("assessments", record.assessment)]
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
                                            | Change | Assessment | Review, ...]
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
    assessments = unique_ids("assessments", ledger.assessments)
    unique_ids("reviews", ledger.reviews)
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
    for position, assessment in enumerate(ledger.assessments):
        if assessment.term not in terms:
            findings.append(Finding(("assessments", position, "term"),
                                    f"unknown term {assessment.term!r}"))
        elif (assessment.term, assessment.party) not in obligations:
            findings.append(Finding(("assessments", position, "party"),
                                    f"party {assessment.party!r} is not an obligor of term "
                                    f"{assessment.term!r}"))
        for slot, entry_id in enumerate(assessment.evidence):
            if entry_id not in evidence:
                findings.append(Finding(("assessments", position, "evidence", slot),
                                        f"cites unknown evidence entry {entry_id!r}"))
        if assessment.corrects is not None and assessment.corrects not in assessments:
            findings.append(Finding(("assessments", position, "corrects"),
                                    f"corrects unknown assessment {assessment.corrects!r}"))
    for position, review in enumerate(ledger.reviews):
        if review.assessment not in assessments:
            findings.append(Finding(("reviews", position, "assessment"),
                                    f"reviews unknown assessment {review.assessment!r}"))
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
