"""Selections: the entries and terms a list or report shows, and each term's timeline."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from ledger.core.counting import made_by, order_key, retracted_ids
from ledger.core.dates import sort_day
from ledger.core.errors import InvalidValue
from ledger.core.model import Evidence, Ledger, Stance, Term

Choice = str | Iterable[str] | None
"""A filter: one value, several (any of them matches), or none (everything matches)."""


def chosen(values: Choice) -> frozenset[str]:
    """A filter's values; empty means no filter. One string is one value, not its letters."""
    if values is None:
        return frozenset()
    return frozenset((values,) if isinstance(values, str) else values)


@dataclass(frozen=True)
class EvidenceSelection:
    """Filters of `evidence list` (each one value, several, or none); `since`/`until` are days,
    compared with each date's first day."""

    term: Choice = None
    party: Choice = None
    claimant: Choice = None
    stance: Stance | Iterable[Stance] | None = None
    since: date | None = None
    until: date | None = None
    include_retracted: bool = False
    as_of: date | None = None
    """Only entries made by this day (see `made_by`)."""


def select_evidence(ledger: Ledger, selection: EvidenceSelection) -> list[Evidence]:
    """The entries that pass every filter, ordered by date then recording time.

    `party` matches an entry whose subject it is, or whose term binds it. Unknown filter values
    are refused.
    """
    terms, parties, claimants = (chosen(selection.term), chosen(selection.party),
                                 chosen(selection.claimant))
    stances = chosen(selection.stance)  # a Stance is a string
    require_known(ledger, term=terms, party=parties, claimant=claimants)
    obligors = {term.id: term.obligors for term in ledger.terms}
    retracted = set() if selection.include_retracted else retracted_ids(ledger)
    since = selection.since.isoformat() if selection.since else None
    until = selection.until.isoformat() if selection.until else None
    made = made_by(selection.as_of) if selection.as_of else None
    selected = [
        entry for entry in ledger.evidence
        if (not terms or entry.term in terms)
        and (not parties or entry.subject in parties
             or not parties.isdisjoint(obligors[entry.term]))
        and (not claimants or entry.claimant in claimants)
        and (not stances or entry.stance in stances)
        and (since is None or sort_day(entry.date) >= since)
        and (until is None or sort_day(entry.date) <= until)
        and entry.id not in retracted
        and (made is None or made(entry))
    ]
    selected.sort(key=order_key)
    return selected


def require_known(ledger: Ledger, *, party: Choice = None, claimant: Choice = None,
                  term: Choice = None, category: Choice = None, agreement: Choice = None) -> None:
    """Refuse a filter value the ledger does not hold, naming the option and what it holds:
    a filter that silently matched nothing would read as "no evidence"."""
    parties = [known.id for known in ledger.parties]
    known_values = {
        "party": (party, parties, "party"),
        "claimant": (claimant, parties, "party"),
        "term": (term, [known.id for known in ledger.terms], "term"),
        "agreement": (agreement, [known.id for known in ledger.agreements], "agreement"),
    }
    for option, (values, known, kind) in known_values.items():
        for value in sorted(chosen(values)):
            if value not in known:
                raise InvalidValue(option, f"no {kind} {value!r} (known: "
                                   f"{', '.join(known) or 'none'})")
    categories = sorted({known.category for known in ledger.terms})
    for value in sorted(chosen(category)):
        if value not in categories:
            raise InvalidValue("category", f"no term has category {value!r} (categories: "
                               f"{', '.join(categories) or 'none'})")


@dataclass(frozen=True)
class TermSelection:
    """Filters of `term list` (each one value, several, or none): `party` matches the terms it
    is bound by."""

    category: Choice = None
    party: Choice = None
    agreement: Choice = None


def select_terms(ledger: Ledger, selection: TermSelection) -> list[Term]:
    """The terms that pass every filter, in ledger order; unknown filter values are refused."""
    categories, parties, agreements = (chosen(selection.category), chosen(selection.party),
                                       chosen(selection.agreement))
    require_known(ledger, party=parties, category=categories, agreement=agreements)
    return [
        term for term in ledger.terms
        if (not categories or term.category in categories)
        and (not parties or not parties.isdisjoint(term.obligors))
        and (not agreements or term.agreement in agreements)
    ]


def find_term(ledger: Ledger, term_id: str) -> Term:
    term = next((known for known in ledger.terms if known.id == term_id), None)
    if term is None:
        raise InvalidValue("id", f"no term {term_id!r}")
    return term


def timeline_of(ledger: Ledger, term_id: str, as_of: date | None = None) -> list[Evidence]:
    """Every entry about a term, retracted ones too, by date then recording time; with
    `as_of`, only those made by that day (`made_by`), as every other list of entries."""
    return timelines_of(ledger, {term_id}, as_of).get(term_id, [])


def timelines_of(ledger: Ledger, term_ids: set[str], as_of: date | None = None
                 ) -> dict[str, list[Evidence]]:
    """The timeline of each of `term_ids` (as `timeline_of`), in one pass over the evidence."""
    made = made_by(as_of) if as_of is not None else None
    chosen = [entry for entry in ledger.evidence
              if entry.term in term_ids and (made is None or made(entry))]
    timelines: dict[str, list[Evidence]] = defaultdict(list)
    for entry in sorted(chosen, key=order_key):  # stable: entries of one key stay in file order
        timelines[entry.term].append(entry)
    return dict(timelines)


def latest_of_timelines(ledger: Ledger, term_ids: set[str], count: int,
                        as_of: date | None = None) -> dict[str, tuple[int, list[Evidence]]]:
    """For each of `term_ids`, how many entries its timeline (`timeline_of`) holds and the last
    `count` of them, in its order: what a report page shows of each timeline."""
    timelines = timelines_of(ledger, term_ids, as_of)
    return {term: (len(timelines.get(term, [])), timelines.get(term, [])[-count:] if count else [])
            for term in term_ids}
