"""Which record a user means by a word: an id, or for a party its name or an alias (any case),
and for a word that names nothing, the closest ones (`did you mean`). One rule for every
command and option that takes an id, reading or writing."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from ledger.core.errors import InvalidValue
from ledger.core.lookalike import name_key
from ledger.core.model import Ledger

SHOWN_KNOWN = 20
"""How many known ids a message lists before it says how many more there are."""


def party_names(ledger: Ledger) -> dict[str, str]:
    """Each party's id and every name and alias it has in a version some day sees
    (`clocks.party_names_in_force`), by what it reads as (`lookalike.name_key`: any case, any
    apostrophe), to its id. No two parties share a key: `edits` refuses a name that reads as
    another party's id or name, and `check` finds one written by hand; should a file hold one,
    an id wins over a name, and the first party in the ledger over a later one."""
    from ledger.core.clocks import party_names_in_force

    names: dict[str, str] = {}
    for party, name in party_names_in_force(ledger):
        names.setdefault(name_key(name), party)
    names.update({name_key(party.id): party.id for party in ledger.parties})
    return names


def as_party_ids(whole: Ledger, values: Iterable[str] | None, within: Ledger | None = None
                 ) -> tuple[str, ...] | None:
    """A party filter's values with each party's name or alias, of any version, as its id,
    where that party is in `within` (the ledger filtered; else `whole`): a value that names
    none is left as typed, for the filter to refuse. Names are looked up in the `whole`
    ledger: a ledger as it stood on a day holds each party in one version only, and a filter
    may name a party by a name it had on another day."""
    if values is None:
        return None
    names = party_names(whole)
    held = {party.id for party in (within or whole).parties}
    return tuple(party if (party := names.get(name_key(value), value)) in held else value
                 for value in values)


def id_named(field: str, kind: str, value: str, known: Collection[str],
             names: dict[str, str] | None = None) -> str:
    """The id `value` names: itself when `known` holds it, else (given `names`, as
    `party_names` makes) the party whose id, name or alias it is in any case. Otherwise the
    error `unknown_message` words, placed at `field`."""
    if value in known:
        return value
    id = names.get(name_key(value)) if names is not None else None
    if id is not None and id in known:
        return id
    raise InvalidValue(field, unknown_message(kind, value, list(known), names or {}))


def unknown_message(kind: str, value: str, known: list[str], names: dict[str, str]) -> str:
    """`no party 'Kyev' (did you mean 'kyiv'? known: ...)`: the closest of the ids, names and
    aliases (each as the id it names), then what the ledger holds."""
    import difflib

    names = {name: id for name, id in names.items() if id in known}
    candidates = {**{name_key(id): id for id in known}, **names}
    close = difflib.get_close_matches(name_key(value), list(candidates), n=3, cutoff=0.6)
    meant = list(dict.fromkeys(repr(candidates[candidate]) for candidate in close))[:2]
    known = sorted(known, key=natural_key)
    listing = ", ".join(known[:SHOWN_KNOWN]) + (
        f" and {len(known) - SHOWN_KNOWN} more" if len(known) > SHOWN_KNOWN else "")
    return (f"no {kind} {value!r} ("
            + (f"did you mean {' or '.join(meant)}? " if meant else "")
            + f"known: {listing or 'none yet'})")


def closest_ids(value: str, ids: Iterable[str]) -> list[str]:
    """The ids most like a mistyped id or prefix (compared over as many characters as it has),
    at most two: for records named by a digest, such as evidence entries."""
    import difflib

    wanted = value.casefold()
    by_start: dict[str, list[str]] = {}
    for id in ids:
        by_start.setdefault(id[:len(wanted)], []).append(id)
    close = difflib.get_close_matches(wanted, list(by_start), n=2, cutoff=0.6)
    return [by_start[start][0] if len(by_start[start]) == 1 else start for start in close]


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """`m2-9` before `m2-10`, `Point 9` before `Point 10`: digits compared as numbers."""
    import re

    return tuple((0, int(part)) if part.isdigit() else (1, part.casefold())
                 for part in re.split(r"(\d+)", text) if part)


def resolve_record(ledger: Ledger, wanted: str) -> str:
    """The id that `log --record` means: an agreement, party or term id (exactly), a party's
    name or alias, or an entry, retraction or change id (or a unique prefix of one, as git
    resolves a short commit id). A word that is both a party's name and a prefix is
    ambiguous."""
    import difflib

    slugs = [record.id for records in (ledger.agreements, ledger.parties, ledger.terms)
             for record in records]
    if wanted in slugs:
        return wanted
    party = as_party_ids(ledger, [wanted])
    by_name = [party[0]] if party is not None and party[0] != wanted else []
    prefix = wanted.lower()
    ids = [record.id for records in (ledger.evidence, ledger.retractions, ledger.changes,
                                     ledger.assessments, ledger.reviews)
           for record in records]
    matches = [*by_name, *sorted({known for known in ids if prefix and known.startswith(prefix)})]
    if len(matches) == 1:
        return matches[0]
    if matches:
        shown = ", ".join(matches[:10]) + (f" and {len(matches) - 10} more"
                                           if len(matches) > 10 else "")
        raise InvalidValue("record", f"{wanted!r} is ambiguous: it names {len(matches)} "
                           f"records ({shown})")
    close = [*difflib.get_close_matches(wanted, slugs, n=2, cutoff=0.6),
             *(closest_ids(wanted, ids) if wanted else [])][:2]
    meant = f"did you mean {' or '.join(map(repr, close))}? " if close else ""
    raise InvalidValue("record", f"no record {wanted!r} ({meant}give an agreement, party or term "
                       "id, or an entry, retraction, change, assessment or review id or prefix)")
