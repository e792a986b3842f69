"""The fixed words of a ledger: the roles of parties, the stances of entries, and the orders
a list can take.

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



class Finding(StrEnum):
    """The monitoring team's own finding on one obligation for one period (`ledger assess`)."""

    COMPLIES = "complies"
    PARTLY = "partly"
    VIOLATES = "violates"
    UNVERIFIABLE = "unverifiable"


LEVELS = {0: "not initiated", 1: "minimal", 2: "intermediate", 3: "full"}
"""The Peace Accords Matrix's implementation scale, which `--level` means."""


class ReviewAction(StrEnum):
    """What happened to an assessment after it was recorded: a second reader approved or
    rejected it, or the team withdrew it (a correction withdraws the one it replaces)."""

    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class TermOrder(StrEnum):
    """The orders a list of terms can take (`select.in_order` applies them)."""

    ID = "id"
    """As the agreements read (`select.in_reading_order`)."""
    ARTICLE = "article"
    """By article, naturally (Point 9 before Point 10), those with none last."""
    DUE = "due"
    """By the end of the period each is due in, those with none last."""
    RECORDED = "recorded"
    """In the order they were added."""


class EntryOrder(StrEnum):
    """The orders a list of evidence entries can take (`select.select_evidence`)."""

    DATE = "date"
    """By the first day of each entry's date, then by when it was recorded."""
    RECORDED = "recorded"
    """By when each was recorded: the newest last."""
