"""Positions that go stale: a claimant's word about a period long past no longer counts."""

from __future__ import annotations

from datetime import date

from ledger.core.counting import Keyed
from ledger.core.dates import end_day, months_before
from ledger.core.model import Evidence, Ledger


def windows(ledger: Ledger, override: int | None) -> dict[str, int | None]:
    """Each agreement's staleness window in months (`agreement add|amend --stale-after`), or the
    one a reading command gives for all (`--stale-after`); None or 0: a position never goes
    stale."""
    return {agreement.id: agreement.stale_after if override is None else override
            for agreement in ledger.agreements}


def cutoff(months: int | None, day: date) -> str | None:
    """The day a position's dated period must have ended by, or earlier, to be stale on `day`:
    `months` before it. None when positions never go stale."""
    return months_before(day, months).isoformat() if months else None


def split(keyed: dict[str, Keyed], stale_before: str | None
          ) -> tuple[dict[str, Keyed], tuple[Evidence, ...]]:
    """The positions still current, and those whose dated period ended before `stale_before`
    (more than the window before the day judged on), which no longer count."""
    if stale_before is None:
        return keyed, ()
    fresh = {claimant: held for claimant, held in keyed.items()
             if end_day(held[1].date) >= stale_before}
    stale = tuple(held[1] for claimant, held in sorted(keyed.items(), key=lambda item: item[1][0])
                  if claimant not in fresh)
    return fresh, stale
