"""Which record a user means by a word: an id, or for a party its name or an alias (any case),
and for a word that names nothing, the closest ones (`did you mean`). One rule for every
command and option that takes an id, reading or writing."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from ledger.core.errors import InvalidValue
from ledger.core.lookalike import name_key
from ledger.core.model import Ledger, RecordKind

SHOWN_KNOWN = 20
"""How many known ids a message lists before it says how many more there are."""


def party_names(ledger: Ledger) -> dict[str, str]:
    """Every name and alias each party has had (as added, and as any amendment or correction
    gave it), and its id, each by what it reads as (`lookalike.name_key`: any case, any
    apostrophe), to its id: an id wins over a name, and a name over an older one. No two
    parties share a key: `edits` refuses a name that reads as another party's id or name."""
    names = {name_key(name): party.id for party in ledger.parties
             for name in (party.name, *party.aliases)}
    names.update({name_key(name): change.record for change in ledger.changes
                  if change.of is RecordKind.PARTY
                  for name in (change.values.name or "", *(change.values.aliases or ()))
                  if name})
    names.update({name_key(party.id): party.id for party in ledger.parties})
    return names


def as_party_ids(ledger: Ledger, values: Iterable[str] | None) -> tuple[str, ...] | None:
    """A party filter's values with each party's name or alias, of any version, as its id (a
    value that names none left as it is, for the filter to refuse). `ledger` is the whole
    ledger: a ledger as it stood on a day holds each party in one version only, and a filter
    may name a party by a name it had on another day."""
    if values is None:
        return None
    names = party_names(ledger)
    return tuple(names.get(name_key(value), value) for value in values)


def named(field: str, kind: str, value: str, known: Collection[str],
          names: dict[str, str] | None = None) -> str:
    """The id `value` names: itself when `known` holds it, else (given `names`, as
    `party_names` makes) the party whose id, name or alias it is in any case. Otherwise the
    error `unknown` words, placed at `field`."""
    if value in known:
        return value
    id = names.get(name_key(value)) if names is not None else None
    if id is not None and id in known:
        return id
    raise InvalidValue(field, unknown(kind, value, list(known), names or {}))


def unknown(kind: str, value: str, known: list[str], names: dict[str, str]) -> str:
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
