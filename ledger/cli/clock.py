"""The one clock: the recording time of a change and the day a report is made.

Status rules read no clock (the day comes in); everything that needs "now" asks here, so that a
test, or a run that must be reproduced, sets it once with `$COMPLIANCE_LEDGER_NOW`.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta

from ledger.core.errors import LedgerError

CLOCK_VARIABLE = "COMPLIANCE_LEDGER_NOW"


LAST_RECORDING_TIME = datetime.max.replace(tzinfo=UTC) - timedelta(days=1)
"""The latest time a change is recorded at: an import stamps its rows a microsecond apart after
the clock's time (and an entry whose id is taken moves on by one), so the calendar's last day,
which ends at 9999-12-31T23:59:59.999999Z, is kept for them."""


def now() -> datetime:
    """The current UTC time, or the time `$COMPLIANCE_LEDGER_NOW` sets (ISO 8601): the recording
    time of a change, refused within a day of the calendar's end (`LAST_RECORDING_TIME`)."""
    moment = _clock()
    if moment > LAST_RECORDING_TIME:
        raise LedgerError(f"the clock ({moment.isoformat().replace('+00:00', 'Z')}) is within "
                          "a day of the calendar's end (9999-12-31T23:59:59.999999Z): no change "
                          "can be recorded after 9999-12-30T23:59:59.999999Z")
    return moment


def today() -> date:
    """Today's date in UTC, by the same clock (any day of the calendar)."""
    return _clock().date()


def _clock() -> datetime:
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
