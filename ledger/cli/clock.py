"""The one clock: the recording time of a change and the day a report is made.

Status rules read no clock (the day comes in); everything that needs "now" asks here, so that a
test, or a run that must be reproduced, sets it once with `$COMPLIANCE_LEDGER_NOW`.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

from ledger.core.errors import LedgerError

CLOCK_VARIABLE = "COMPLIANCE_LEDGER_NOW"


def now() -> datetime:
    """The current UTC time, or the time `$COMPLIANCE_LEDGER_NOW` sets (ISO 8601)."""
    fixed = os.environ.get(CLOCK_VARIABLE, "").strip()
    if not fixed:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(fixed.replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise LedgerError(f"${CLOCK_VARIABLE}: {fixed!r} is not an ISO 8601 time in years "
                          "0001-9999, e.g. 2024-04-02T09:30:00Z") from None


def today() -> date:
    """Today's date in UTC, by the same clock."""
    return now().date()
