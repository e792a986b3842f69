"""The fixed words of a ledger: the roles of parties and the stances of entries.

Kept apart from the models (and Pydantic) so that the command line can offer them as choices
without importing the models at start-up.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    SIGNATORY = "signatory"
    MONITOR = "monitor"
    MEDIATOR = "mediator"
    OBSERVER = "observer"
    OTHER = "other"


class Stance(StrEnum):
    """What an entry says of a party's compliance. `notes` records relevant context (conduct
    before the agreement, "investigating the situation", a prediction) without saying either way:
    it appears in timelines and `changes`, never in a status."""

    CLAIMS = "claims"
    DISPUTES = "disputes"
    NOTES = "notes"

