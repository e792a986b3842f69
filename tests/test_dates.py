"""Dates at reduced precision: the fast checks agree with the calendar."""

from __future__ import annotations

import calendar
import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.dates import check_full, check_partial, last_day, sort_day
from ledger.model import PARTIAL_DATE_PATTERN, TIMESTAMP_PATTERN, _impossible

SHAPED = st.from_regex(r"\d{4}(-\d{2}(-\d{2})?)?", fullmatch=True)


def real(text: str) -> bool:
    if not text.isascii():
        return False
    year, *rest = (int(part) for part in text.split("-"))
    if year == 0:
        return False
    if rest and not 1 <= rest[0] <= 12:
        return False
    return not (len(rest) == 2 and not 1 <= rest[1] <= calendar.monthrange(year, rest[0])[1])


@given(SHAPED)
def test_pattern_and_calendar_check_together_agree_with_the_calendar(text: str) -> None:
    """A date is accepted when it matches the model's pattern and the load's calendar check."""
    accepted = re.fullmatch(PARTIAL_DATE_PATTERN, text) is not None and _impossible(text) is None
    assert accepted == real(text)
    if real(text):
        assert check_partial(text) == text
    else:
        with pytest.raises(ValueError):
            check_partial(text)


@given(st.dates(min_value=date(1, 1, 1)), st.integers(0, 23), st.integers(0, 59))
def test_real_timestamps_pass(day: date, hour: int, minute: int) -> None:
    text = f"{day.isoformat()}T{hour:02d}:{minute:02d}:59.123456Z"
    assert re.fullmatch(TIMESTAMP_PATTERN, text) and _impossible(text) is None


@pytest.mark.parametrize("text", ["2019-02-29T00:00:00.000000Z", "2020-04-31T00:00:00.000000Z",
                                  "2020-01-01T24:00:00.000000Z", "2020-01-01T00:60:00.000000Z",
                                  "2020-01-01T00:00:60.000000Z", "0000-01-01T00:00:00.000000Z"])
def test_impossible_timestamps_fail(text: str) -> None:
    assert re.fullmatch(TIMESTAMP_PATTERN, text) is None or _impossible(text) is not None


def test_periods_order_and_filter_by_their_days() -> None:
    assert sort_day("2020") == "2020-01-01"
    assert sort_day("2020-06") == "2020-06-01"
    assert sort_day("2020-06-15") == "2020-06-15"
    assert last_day("2020-02") == date(2020, 2, 29)
    assert last_day("2021") == date(2021, 12, 31)
    with pytest.raises(ValueError, match="not a full date"):
        check_full("2020-06")
