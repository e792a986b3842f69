"""Selections: the entries and terms a list or report shows, and each term's timeline."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from operator import attrgetter

from ledger.core.counting import made_by, order_key, retracted_ids
from ledger.core.dates import end_day, sort_day
from ledger.core.errors import InvalidValue
from ledger.core.model import Evidence, Ledger, Stance, Term
from ledger.core.naming import id_named, natural_key, party_names
from ledger.core.words import EntryOrder, TermOrder

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
    grep: Choice = None
    """Text in the summary, quote, speaker or source title (any case)."""
    source: Choice = None
    """Text in the source's title (any case)."""
    speaker: Choice = None
    """Text in the speaker (any case)."""
    category: Choice = None
    """The category of the entry's term."""
    sort: EntryOrder = EntryOrder.DATE
    """An `EntryOrder`."""


def select_evidence(ledger: Ledger, selection: EvidenceSelection) -> list[Evidence]:
    """The entries that pass every filter, by date then recording time, or by recording time
    (`selection.sort`).

    `party` matches an entry whose subject it is, or whose term binds it. Unknown filter values
    are refused.
    """
    known = require_known(ledger, term=selection.term, party=selection.party,
                          claimant=selection.claimant, category=selection.category)
    terms, parties, claimants = known["term"], known["party"], known["claimant"]
    if known["category"]:
        in_category = {term.id for term in ledger.terms if term.category in known["category"]}
        terms = frozenset(terms & in_category if terms else in_category)
        if not terms:
            return []
    texts = _text_filter(selection)
    stances = chosen(selection.stance)  # a Stance is a string
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
        and (texts is None or texts(entry))
    ]
    selected.sort(key=order_key if selection.sort == EntryOrder.DATE
                  else attrgetter("recorded_at", "id"))
    return selected


def _text_filter(selection: EvidenceSelection) -> Callable[[Evidence], bool] | None:
    """Whether an entry holds each text filter's words (one of its values, any case). An empty
    value is refused: it would match every entry, as if no filter were given (an unset
    variable in a script)."""
    wanted = {name: [value.casefold() for value in chosen(getattr(selection, name))]
              for name in ("grep", "source", "speaker")}
    for name, values in wanted.items():
        if any(not value.strip() for value in values):
            raise InvalidValue(name, "empty: give the text to look for")
    if not any(wanted.values()):
        return None

    def fields(entry: Evidence) -> dict[str, str]:
        title = (entry.source.title or "") if entry.source else ""
        speaker = entry.speaker or ""
        return {"grep": " ".join((entry.summary, entry.quote or "", speaker, title)),
                "source": title, "speaker": speaker}

    def holds(entry: Evidence) -> bool:
        text = fields(entry)
        return all(any(value in text[name].casefold() for value in values)
                   for name, values in wanted.items() if values)

    return holds


def require_known(ledger: Ledger, *, party: Choice = None, claimant: Choice = None,
                  term: Choice = None, category: Choice = None, agreement: Choice = None
                  ) -> dict[str, frozenset[str]]:
    """Each filter's values as the ids they name (`naming.id_named`: a party by its id, name or
    alias). A value the ledger does not hold is refused, naming the option, the closest ids
    (`did you mean`) and what it holds: a filter that silently matched nothing would read as
    "no evidence"."""
    parties = [known.id for known in ledger.parties]
    names = party_names(ledger) if chosen(party) or chosen(claimant) else {}
    resolved: dict[str, frozenset[str]] = {}
    for option, values in (("party", party), ("claimant", claimant)):
        resolved[option] = frozenset(id_named(option, "party", value, parties, names)
                                     for value in sorted(chosen(values)))
    for option, values, known in (
            ("term", term, [item.id for item in ledger.terms]),
            ("agreement", agreement, [item.id for item in ledger.agreements]),
            ("category", category, sorted({item.category for item in ledger.terms}))):
        kind = "term category" if option == "category" else option
        for value in sorted(chosen(values)):
            id_named(option, kind, value, known)
        resolved[option] = chosen(values)
    return resolved


@dataclass(frozen=True)
class TermSelection:
    """Filters of `term list` (each one value, several, or none): `party` matches the terms it
    is bound by."""

    category: Choice = None
    party: Choice = None
    agreement: Choice = None
    sort: TermOrder = TermOrder.ID
    """A `TermOrder`."""


def select_terms(ledger: Ledger, selection: TermSelection) -> list[Term]:
    """The terms that pass every filter, in ledger order; unknown filter values are refused."""
    known = require_known(ledger, party=selection.party, category=selection.category,
                          agreement=selection.agreement)
    categories, parties, agreements = known["category"], known["party"], known["agreement"]
    chosen_terms = [
        term for term in ledger.terms
        if (not categories or term.category in categories)
        and (not parties or not parties.isdisjoint(term.obligors))
        and (not agreements or term.agreement in agreements)]
    return in_order(ledger, chosen_terms, selection.sort)


def in_order(ledger: Ledger, terms: Iterable[Term], sort: TermOrder = TermOrder.ID
             ) -> list[Term]:
    """`terms` in a `TermOrder`; ties as the agreements read."""
    if sort == TermOrder.RECORDED:
        position = {term.id: number for number, term in enumerate(ledger.terms)}
        return sorted(terms, key=lambda term: position.get(term.id, len(position)))
    ordered = in_reading_order(ledger, terms)
    if sort == TermOrder.ARTICLE:
        ordered.sort(key=lambda term: (term.article is None, natural_key(term.article or "")))
    elif sort == TermOrder.DUE:
        ordered.sort(key=lambda term: (term.due is None, end_day(term.due) if term.due else ""))
    return ordered


def find_term(ledger: Ledger, term_id: str) -> Term:
    terms = {known.id: known for known in ledger.terms}
    return terms[id_named("id", "term", term_id, list(terms))]


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


def in_reading_order(ledger: Ledger, terms: Iterable[Term]) -> list[Term]:
    """Terms as an agreement reads: by agreement, in the order they were signed (those not
    signed last), then naturally by id."""
    signed = {agreement.id: (agreement.signed is None, agreement.signed or "", position)
              for position, agreement in enumerate(ledger.agreements)}
    return sorted(terms, key=lambda term: (signed.get(term.agreement, (True, "", 0)),
                                           natural_key(term.id)))
