"""Pure changes: each takes a ledger and values, checks them, and returns a new ledger.

Errors name the field they are about, which is also the name of the command-line option.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import TypeVar

from pydantic import ValidationError

from ledger.core import clocks
from ledger.core.dates import (
    canonical_period,
    check_full,
    check_partial,
    format_timestamp,
)
from ledger.core.digests import sealed
from ledger.core.documents import document_name_problem
from ledger.core.errors import InvalidValue, LedgerError
from ledger.core.model import (
    SLUG_PATTERN,
    Agreement,
    Change,
    ChangeKind,
    Evidence,
    Ledger,
    Party,
    RecordKind,
    Role,
    Source,
    Stance,
    Term,
    Values,
)
from ledger.core.naming import id_named, party_names

_SLUG = re.compile(SLUG_PATTERN)
_Record = TypeVar("_Record", Agreement, Party, Term, Source, Evidence, Change, Values)


def _slug(field: str, value: str) -> str:
    if not _SLUG.fullmatch(value):
        raise InvalidValue(
            field, f"{value!r} is not a valid id (lowercase letters, digits, '.', '_', '-'; "
            "at most 64 characters, starting with a letter or digit)"
        )
    return value


def optional_text(field: str, value: str | None) -> str | None:
    if value is None:
        return None
    if not value.strip():
        raise InvalidValue(field, "must not be empty")
    return value


def required_text(field: str, value: str) -> str:
    checked = optional_text(field, value)
    assert checked is not None
    return checked


LIST_SEPARATOR = ";"
"""How a list (aliases, obligors) is written in one spreadsheet cell, by exports and imports."""


def _alias(value: str) -> str:
    if LIST_SEPARATOR in value:
        raise InvalidValue("alias", f"{value!r} holds {LIST_SEPARATOR!r}, which separates names "
                           "in a spreadsheet's cell: give each name as its own --alias")
    return required_text("alias", value)


def checked_document(field: str, value: str | None) -> str | None:
    checked = optional_text(field, value)
    problem = document_name_problem(checked) if checked is not None else None
    if problem is not None:
        raise InvalidValue(field, f"{problem}: name a file inside the ledger's folder or the "
                           "sources folder, by a relative path")
    return checked


def valid_date(field: str, value: str | None, *, full: bool) -> str | None:
    if value is None:
        return None
    try:
        return check_full(value) if full else check_partial(value)
    except ValueError as error:
        raise InvalidValue(field, str(error)) from None


def valid_due(value: str | None) -> str | None:
    """A due period as a term keeps it (`dates.canonical_period`): due by the end of it."""
    if value is None:
        return None
    try:
        return canonical_period(value)
    except ValueError as error:
        raise InvalidValue("due", str(error)) from None


def parties_named(ledger: Ledger, field: str, values: Iterable[str]) -> tuple[str, ...]:
    """The id of the party each of `values` names (its id, name or an alias, any case), each
    once, in the order given; the ledger's names looked up once for them all."""
    known, names = party_ids(ledger), party_names(ledger)
    return tuple(dict.fromkeys(id_named(field, "party", value, known, names)
                               for value in values))


def _build(field: str, factory: type[_Record], **values: object) -> _Record:
    try:
        return factory(**values)
    except ValidationError as error:
        detail = error.errors()[0]
        name = next((str(step) for step in detail["loc"] if isinstance(step, str)), field)
        raise InvalidValue(name, str(detail["msg"]).removeprefix("Value error, ")) from None


def party_ids(ledger: Ledger) -> list[str]:
    return [party.id for party in ledger.parties]


def add_party(ledger: Ledger, id: str, *, name: str, role: Role = Role.OTHER,
              aliases: tuple[str, ...] = (), recorded_at: datetime,
              recorded_by: str | None = None) -> Ledger:
    _slug("id", id)
    if id in party_ids(ledger):
        raise InvalidValue("id", f"a party {id!r} already exists")
    party = _build("id", Party, id=id, name=required_text("name", name), role=role_of(role),
                   aliases=tuple(_alias(alias) for alias in aliases),
                   recorded_at=format_timestamp(recorded_at), recorded_by=recorded_by)
    changed = ledger.model_copy(update={"parties": (*ledger.parties, sealed(party))})
    _distinct_names(ledger, changed, id, {"id": id, "name": name, "aliases": party.aliases})
    return changed


def _distinct_names(before: Ledger, after: Ledger, party_id: str,
                    given: dict[str, object]) -> None:
    """Refuse a change to `party_id` that makes one of its names (its id, a name or an alias,
    in any version) read like another party's (`clocks.lookalike_names`): a report would then
    say "claimed by X, disputed by X" of two parties, and `--party X` would name one of them.
    Only a pair the change makes is refused (one a file already holds is for `check`, and
    must not stop the change that tells them apart), placed at the option of `given` (`id`,
    `name`, `aliases`) that holds the name."""
    held = set(clocks.lookalike_names(before))
    for pair in clocks.lookalike_names(after):
        if pair in held or party_id not in (pair.party, pair.other):
            continue
        mine, theirs, their_name = ((pair.name, pair.other, pair.other_name)
                                    if pair.party == party_id
                                    else (pair.other_name, pair.party, pair.name))
        field = next((field for field, value in given.items()
                      if mine == value or (isinstance(value, tuple) and mine in value)), "name")
        what = (f"the id of party {theirs!r}" if their_name == theirs
                else f"{their_name!r}, a name of party {theirs!r}")
        raise InvalidValue("alias" if field == "aliases" else field,
                           f"{mine!r} reads the same as {what}; choose one that tells them apart")


def add_agreement(ledger: Ledger, id: str, *, title: str, signed: str | None = None,
                  signatories: tuple[str, ...] = (), place: str | None = None,
                  url: str | None = None, stale_after: int | None = None,
                  recorded_at: datetime, recorded_by: str | None = None) -> Ledger:
    _slug("id", id)
    if any(agreement.id == id for agreement in ledger.agreements):
        raise InvalidValue("id", f"an agreement {id!r} already exists")
    signatories = parties_named(ledger, "signatory", signatories)
    agreement = _build(
        "id", Agreement, id=id, title=required_text("title", title),
        signed=valid_date("signed", signed, full=True),
        signatories=tuple(dict.fromkeys(signatories)),
        place=optional_text("place", place), url=optional_text("url", url),
        stale_after=stale_after or None, recorded_at=format_timestamp(recorded_at),
        recorded_by=recorded_by,
    )
    return ledger.model_copy(update={"agreements": (*ledger.agreements, sealed(agreement))})


def add_term(ledger: Ledger, id: str, *, title: str, category: str, obligors: tuple[str, ...],
             agreement: str | None = None, due: str | None = None, text: str | None = None,
             article: str | None = None, conditions: tuple[str, ...] = (),
             recorded_at: datetime, recorded_by: str | None = None,
             coming: frozenset[str] = frozenset()) -> Ledger:
    """Add a term. `coming`: ids of terms about to be added in the same batch (an import), which
    a condition may name before they exist."""
    _slug("id", id)
    if any(term.id == id for term in ledger.terms):
        raise InvalidValue("id", f"a term {id!r} already exists")
    agreement_ids = [known.id for known in ledger.agreements]
    if agreement is None:
        if len(agreement_ids) != 1:
            raise InvalidValue(
                "agreement",
                "required: the ledger has no agreement yet (run `ledger agreement add`)"
                if not agreement_ids
                else f"required: the ledger has {len(agreement_ids)} agreements "
                f"({', '.join(agreement_ids)})",
            )
        agreement = agreement_ids[0]
    id_named("agreement", "agreement", agreement, agreement_ids)
    if not obligors:
        raise InvalidValue("obligor", "at least one obligor is required")
    obligors = parties_named(ledger, "obligor", obligors)
    term = _build(
        "id", Term, id=id, agreement=agreement, title=required_text("title", title),
        category=required_text("category", category), obligors=tuple(dict.fromkeys(obligors)),
        article=optional_text("article", article), text=optional_text("text", text),
        due=valid_due(due),
        conditions=conditions_of(ledger, id, conditions, coming) or None,
        recorded_at=format_timestamp(recorded_at), recorded_by=recorded_by,
    )
    grown = ledger.model_copy(update={"terms": (*ledger.terms, sealed(term))})
    if any(id in (known.conditions or ()) for known in ledger.terms):
        _refuse_condition_cycle(ledger, grown, id)  # named before it existed, by a batch
    return grown


def conditions_of(ledger: Ledger, term_id: str, conditions: Iterable[str],
                  coming: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """The terms `term_id` is to wait on, each once: terms the ledger holds (or `coming`), not
    itself."""
    listed = tuple(dict.fromkeys(conditions))
    known = list(dict.fromkeys([*(term.id for term in ledger.terms), *sorted(coming)]))
    for condition in listed:
        if condition == term_id:
            raise InvalidValue("condition", f"term {term_id!r} cannot wait on itself")
        id_named("condition", "term", condition, known)
    return listed


def _refuse_condition_cycle(before: Ledger, after: Ledger, term_id: str) -> None:
    """Refuse a change that puts its term on a cycle of conditions. A term already on one (a
    cycle merged in from two branches) may still be changed: that is how the cycle is undone."""
    cycle = clocks.condition_cycle(after, term_id)
    if cycle is not None and clocks.condition_cycle(before, term_id) is None:
        raise InvalidValue("condition", f"the conditions would form a cycle: "
                           f"{' waits on '.join(cycle)}")


def known_value(field: str, value: str, known: list[str]) -> str:
    """`value` if it is one of the `known` ids of the kind that `field` names, else an error
    that lists them."""
    kind = {"obligor": "party", "claimant": "party", "subject": "party",
            "signatory": "party", "condition": "term"}.get(field, field)
    return id_named(field, kind, value, known)


def check_value(field: str, value: str) -> None:
    """The rule of one field on its own, as the `add_*` functions apply it, so that an import
    reports every bad cell of a row, not only the first that a record's checks meet."""
    match field:
        case "id":
            _slug(field, value)
        case "date" | "source_date":
            valid_date(field, value, full=False)
        case "due":
            valid_due(value)
        case "signed":
            valid_date(field, value, full=True)
        case "document":
            checked_document(field, value)
        case "conditions":
            _slug(field, value)
        case "stance":
            stance_of(value)
        case "role":
            role_of(value)
        case "sha256":
            _build(field, Source, sha256=value)
        case _:
            optional_text(field, value)


_Word = TypeVar("_Word", Role, Stance)


def _word(field: str, kind: type[_Word], value: _Word | str) -> _Word:
    try:
        return kind(value)
    except ValueError:
        raise InvalidValue(field, f"{value!r} is not a {field} (one of: "
                           f"{', '.join(word.value for word in kind)})") from None


def role_of(value: Role | str) -> Role:
    return _word("role", Role, value)


def stance_of(value: Stance | str) -> Stance:
    return _word("stance", Stance, value)


def new_ledger(title: str) -> Ledger:
    return Ledger(title=required_text("title", title))


def change_record(ledger: Ledger, of: RecordKind, id: str, *, kind: ChangeKind, reason: str,
                  recorded_at: datetime, recorded_by: str | None = None,
                  effective: str | None = None,
                  values: dict[str, object] | None = None,
                  cleared: tuple[str, ...] = ()) -> tuple[Ledger, Change]:
    """Record an amendment (from `effective` on) or a correction (every day) of a record.

    `values` are the new values of the fields given (a list replaces the whole list; None means
    "not given"); `cleared` names optional fields to empty. Ids never change. Refused: a record
    that does not exist, a value a new record would not accept, a list naming unknown parties, a
    name that reads like another party's, and a change that would leave some entry's subject
    outside its term's obligors on the entry's date (the error names those entries).
    """
    records: dict[RecordKind, tuple[Agreement | Party | Term, ...]] = {
        RecordKind.AGREEMENT: ledger.agreements, RecordKind.PARTY: ledger.parties,
        RecordKind.TERM: ledger.terms}
    by_id = {record.id: record for record in records[of]}
    id = id_named("id", of.value, id, by_id,
                  party_names(ledger) if of is RecordKind.PARTY else None)
    given: dict[str, object] = {name: value for name, value in (values or {}).items()
                                if value is not None}
    if kind is ChangeKind.AMENDMENT and effective is None:
        raise InvalidValue("effective", "an amendment needs the day it takes effect")
    if not given and not cleared:
        raise LedgerError("nothing to change: give at least one field, such as --due or --name "
                          "(see --help)")
    both = [name for name in cleared if name in given]
    if both:
        option = ("condition" if both[0] == "conditions" else both[0]).replace("_", "-")
        raise InvalidValue(f"no_{option}", f"give --{option} or --no-{option}, not both")
    for name, option in (("signatories", "signatory"), ("obligors", "obligor")):
        if name in given:
            listed = parties_named(ledger, option, map(str, given[name]))  # type: ignore[call-overload]
            if not listed and name == "obligors":
                raise InvalidValue(option, "at least one obligor is required")
            given[name] = listed
    if "conditions" in given:
        listed = conditions_of(ledger, id, map(str, given["conditions"]))  # type: ignore[call-overload]
        if not listed:
            raise InvalidValue("condition", "give at least one term, or --no-condition")
        given["conditions"] = listed
    for name in ("title", "place", "url", "name", "category", "text", "article"):
        if name in given:
            given[name] = required_text(name, str(given[name]))
    if "aliases" in given:
        given["aliases"] = tuple(_alias(str(alias))
                                 for alias in given["aliases"])  # type: ignore[attr-defined]
    for name in ("signed", "ended"):
        if name in given:
            given[name] = valid_date(name, str(given[name]), full=True)
    if "due" in given:
        given["due"] = valid_due(str(given["due"]))
    draft = _build("reason", Change, id="0" * 12, kind=kind, of=of, record=id,
                   effective=valid_date("effective", effective, full=True),
                   reason=required_text("reason", reason),
                   recorded_at=format_timestamp(recorded_at), recorded_by=recorded_by,
                   values=_build("reason", Values, **given), cleared=cleared)
    change = sealed(draft)
    changed = ledger.model_copy(update={"changes": (*ledger.changes, change)})
    if of is RecordKind.TERM:
        _subjects_stay_obligors(ledger, changed, id)
        _refuse_condition_cycle(ledger, changed, id)
    if of is RecordKind.PARTY:
        _distinct_names(ledger, changed, id, given)
    return changed, change


def _subjects_stay_obligors(before: Ledger, changed: Ledger, term_id: str) -> None:
    """Refuse a change of a term that would leave an entry's subject no obligor of it on the
    entry's dates. An entry stranded so already (merged in from another copy) does not stop
    another change: the change did not make it so, and `ledger check` names it."""
    stranded = [entry for _, entry, _ in clocks.stranded_entries(changed, {term_id})]
    if stranded:  # the ledger before is looked at only then: the usual change strands nothing
        already = {entry.id for _, entry, _ in clocks.stranded_entries(before, {term_id})}
        stranded = [entry for entry in stranded if entry.id not in already]
    if stranded:
        shown = ", ".join(f"{entry.id} ({entry.subject}, {entry.date})" for entry in stranded[:10])
        more = f" and {len(stranded) - 10} more" if len(stranded) > 10 else ""
        raise InvalidValue("obligor", f"these entries' subjects would no longer be obligors of "
                           f"term {term_id!r} on their dates: {shown}{more}; retract or correct "
                           "them first")
