"""Dates at reduced precision: the model's patterns are the calendar, in Pydantic's own engine."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from conftest import Run, ok
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from ledger.core.dates import calendar_reason, check_full, check_partial, last_day, sort_day
from ledger.core.model import FullDate, PartialDate, Timestamp

SHAPED = st.from_regex(r"\d{4}(-\d{2}(-\d{2})?)?", fullmatch=True)
PARTIAL = TypeAdapter(PartialDate)
FULL = TypeAdapter(FullDate)
TIMESTAMP = TypeAdapter(Timestamp)


def accepts(adapter: TypeAdapter[str], text: str) -> bool:
    try:
        adapter.validate_python(text)
    except ValidationError:
        return False
    return True


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
def test_date_patterns_agree_with_the_calendar(text: str) -> None:
    """The model accepts a date exactly when the calendar has it, as the CLI's own check does."""
    assert accepts(PARTIAL, text) == real(text)
    assert accepts(FULL, text) == (real(text) and len(text) == 10)
    if real(text):
        assert check_partial(text) == text
    else:
        with pytest.raises(ValueError):
            check_partial(text)


@given(st.dates(min_value=date(1, 1, 1)))
def test_every_real_day_is_accepted_at_every_precision(day: date) -> None:
    text = day.isoformat()
    assert accepts(FULL, text) and accepts(PARTIAL, text)
    assert accepts(PARTIAL, text[:7]) and accepts(PARTIAL, text[:4])


@pytest.mark.parametrize(("text", "leap"), [("2000", True), ("1900", False), ("2024", True),
                                            ("2023", False), ("0004", True), ("0400", True),
                                            ("0100", False), ("9996", True), ("2100", False)])
def test_29_february_only_in_leap_years(text: str, leap: bool) -> None:
    assert calendar.isleap(int(text)) == leap
    assert accepts(FULL, f"{text}-02-29") == leap
    assert accepts(TIMESTAMP, f"{text}-02-29T12:00:00.000000Z") == leap


@given(st.dates(min_value=date(1, 1, 1)), st.integers(0, 23), st.integers(0, 59))
def test_real_timestamps_pass(day: date, hour: int, minute: int) -> None:
    assert accepts(TIMESTAMP, f"{day.isoformat()}T{hour:02d}:{minute:02d}:59.123456Z")


@pytest.mark.parametrize("text", ["2019-02-29T00:00:00.000000Z", "2020-04-31T00:00:00.000000Z",
                                  "2020-01-01T24:00:00.000000Z", "2020-01-01T00:60:00.000000Z",
                                  "2020-01-01T00:00:60.000000Z", "0000-01-01T00:00:00.000000Z",
                                  "2020-01-01T00:00:00Z", "2020-01-01 00:00:00.000000Z"])
def test_impossible_timestamps_fail(text: str) -> None:
    assert not accepts(TIMESTAMP, text)


def test_calendar_reason_names_the_length_of_the_month() -> None:
    assert calendar_reason("2021-02-29") == "not a date: '2021-02-29' (2021-02 has 28 days)"
    assert calendar_reason("2020-04-31T10:00:00.000000Z") == (
        "not a date: '2020-04-31' (2020-04 has 30 days)")
    assert calendar_reason("2020-04-30T10:00:00.000000Z") is None
    assert calendar_reason("2020-13-01") is None
    assert calendar_reason("0000-02-29") is None
    assert calendar_reason(20200230) is None


def test_periods_order_and_filter_by_their_days() -> None:
    assert sort_day("2020") == "2020-01-01"
    assert sort_day("2020-06") == "2020-06-01"
    assert sort_day("2020-06-15") == "2020-06-15"
    assert last_day("2020-02") == date(2020, 2, 29)
    assert last_day("2021") == date(2021, 12, 31)
    with pytest.raises(ValueError, match="not a full date"):
        check_full("2020-06")


@given(st.datetimes(min_value=datetime(1000, 1, 2), timezones=st.timezones()))
def test_format_timestamp_writes_what_the_format_writes(moment: datetime) -> None:
    """The fast way (isoformat) gives the stored format's text exactly."""
    from ledger.core.dates import _TIMESTAMP_FORMAT, format_timestamp

    assert format_timestamp(moment) == moment.astimezone(UTC).strftime(_TIMESTAMP_FORMAT)


_DAYS = st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31))


@given(_DAYS, st.sampled_from((4, 7, 10)), _DAYS)
def test_the_warning_comparisons_are_the_calendar_s(day: date, precision: int, other: date
                                                    ) -> None:
    """A period's text compared with a day compares as the period does."""
    from ledger.core.dates import begins_after, ends_before, first_day

    text = day.isoformat()[:precision]
    assert begins_after(text, other.isoformat()) == (first_day(text) > other)
    assert ends_before(text, other.isoformat()) == (last_day(text) < other)


def test_yesterday_on_the_first_day_is_an_error_not_an_overflow() -> None:
    from ledger.core.dates import named_day

    assert named_day("yesterday", date(2024, 3, 1)) == "2024-02-29"
    with pytest.raises(ValueError, match="yesterday is before year 1"):
        named_day("yesterday", date.min)
    assert named_day("today", date.min) == "0001-01-01"


@pytest.mark.parametrize("command", [("report", "--as-of", "yesterday"),
                                     ("report", "--known-at", "yesterday"),
                                     ("changes", "--since", "yesterday"),
                                     ("evidence", "list", "--as-of", "yesterday")])
def test_a_day_option_on_the_first_day_is_one_line(run: Run, small: Path,
                                                   command: tuple[str, ...]) -> None:
    result = run(*command, env={"COMPLIANCE_LEDGER_NOW": "0001-01-01T00:00:00Z"})
    assert result.exit_code == 1
    option = command[-2]
    assert result.stderr == f"ledger: error: {option}: yesterday is before year 1\n"


def test_no_change_is_recorded_in_the_calendar_s_last_day(run: Run, small: Path) -> None:
    """An import stamps its rows a microsecond apart after the clock: the last day of year 9999
    is kept for them, and a clock in it records nothing (reports still run on it)."""
    before = small.read_bytes()
    late = {"COMPLIANCE_LEDGER_NOW": "9999-12-31T00:00:00Z"}
    refused = run("party", "add", "east", "--name", "Eastland", env=late)
    assert refused.exit_code == 1 and len(refused.stderr.splitlines()) == 1
    assert "no change can be recorded after 9999-12-30T23:59:59.999999Z" in refused.stderr
    assert small.read_bytes() == before
    ok(run("report", "--as-of", "today", env=late))
    ok(run("party", "add", "east", "--name", "Eastland",
           env={"COMPLIANCE_LEDGER_NOW": "9999-12-30T23:59:59.999999Z"}))
