"""Whose word a status rests on: the obligor's own, another party's, or an independent one."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from ledger.core.model import Ledger


class Basis(StrEnum):
    """Whose word one side of a status rests on, from the least independent to the most."""

    OWN = "own"
    """The claimant is the obligor itself."""
    PARTY = "party"
    """A party to the process: a signatory of any agreement, or an obligor of any term."""
    INDEPENDENT = "independent"
    """Anyone else: a monitor, a mediator, an observer, the press."""


_BASIS_ORDER = tuple(Basis)


def parties_to_the_process(ledger: Ledger) -> frozenset[str]:
    """The parties whose word is a party's, not an independent one: every signatory of an
    agreement and every obligor of a term in the ledger (as it stands)."""
    return frozenset(party for agreement in ledger.agreements for party in agreement.signatories
                     ) | frozenset(party for term in ledger.terms for party in term.obligors)


def basis_of(claimants: Iterable[str], subject: str, parties: frozenset[str]) -> Basis | None:
    """The most independent kind among `claimants` on one side of `subject`'s status; None when
    no one takes that side."""
    kinds = [Basis.OWN if claimant == subject else
             Basis.PARTY if claimant in parties else Basis.INDEPENDENT for claimant in claimants]
    return max(kinds, key=_BASIS_ORDER.index) if kinds else None
