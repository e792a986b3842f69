"""Dates at year, month or day precision: validate, order and compare them by their first day."""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, timedelta
from functools import cache

# A valid date, written once: the patterns hold the whole Gregorian calendar (month lengths, 29
# February in leap years only), so that the model's validator rejects every day that does not
# exist in the same pass that parses the file; `check_partial` uses them too. `_SHAPE` and
# `_NEAR_A_DAY` only serve to say why a text does not match (`calendar_reason`).
_YEAR = r"([1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])"
_LEAP_YEAR = r"([0-9]{2}(0[48]|[2468][048]|[13579][26])|(0[48]|[2468][048]|[13579][26])00)"
_MONTH = r"(0[1-9]|1[0-2])"
_MONTH_AND_DAY = (r"((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])"
                  r"|(0[469]|11)-(0[1-9]|[12][0-9]|30)"
                  r"|02-(0[1-9]|1[0-9]|2[0-8]))")
_DAY = rf"({_YEAR}-{_MONTH_AND_DAY}|{_LEAP_YEAR}-02-29)"
FULL_DATE_PATTERN = rf"^{_DAY}$"
PARTIAL_DATE_PATTERN = rf"^({_YEAR}(-{_MONTH})?|{_DAY})$"
PERIOD_PATTERN = rf"^({_YEAR}(-{_MONTH}|-Q[1-4]|-H[12])?|{_DAY})$"
"""A period as a record keeps it (a due day at the precision known): a partial date, a quarter
`YYYY-Qn` or a half `YYYY-Hn`."""
_TIME = r"([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]\.[0-9]{6}"
TIMESTAMP_PATTERN = rf"^{_DAY}T{_TIME}Z$"
CALENDAR_PATTERNS = (FULL_DATE_PATTERN, PARTIAL_DATE_PATTERN, PERIOD_PATTERN, TIMESTAMP_PATTERN)
_VALID_PERIOD = re.compile(PARTIAL_DATE_PATTERN)
_SHAPE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
_NEAR_A_DAY = re.compile(rf"{_YEAR}-{_MONTH}-(0[1-9]|[12][0-9]|3[01])(T{_TIME}Z)?")
"""A day or timestamp that only the calendar rejects (a 30 February)."""
_TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


PARTIAL_FORMS = "YYYY, YYYY-MM or YYYY-MM-DD"
PERIOD_FORMS = "YYYY, YYYY-Qn, YYYY-Hn, YYYY-MM or YYYY-MM-DD"
"""What an option that takes a period accepts (`period_bounds`)."""
_QUARTER_OR_HALF = re.compile(r"([0-9]{4})-?([QqHh])([1-4])")
FULL_FORMS = "YYYY-MM-DD"
DAY_WORDS = "today or yesterday"
"""What the command line accepts besides the forms wherever a day can be given (`named_day`)."""


def named_day(text: str, today: date) -> str:
    """`today` and `yesterday` as the day they name, on the clock's `today` (which comes in: this
    module reads no clock); any other text as it is. ValueError for a day before the calendar's
    first (`yesterday` on 0001-01-01)."""
    if text == "today":
        return today.isoformat()
    if text == "yesterday":
        if today == date.min:
            raise ValueError("yesterday is before year 1")
        return (today - timedelta(days=1)).isoformat()
    return text


@cache
def check_partial(text: str, *, words: bool = False, kind: str = "date") -> str:
    """Return `text` if it is `YYYY`, `YYYY-MM` or `YYYY-MM-DD` naming a real period, else raise.

    `words`: the text came from the command line, where `today` and `yesterday` are accepted too
    (`named_day`), so the message names them. `kind`: what the message says was wanted."""
    if _VALID_PERIOD.match(text):
        return text
    match = _SHAPE.fullmatch(text)
    if match is None:
        raise ValueError(f"not a {kind}: {text!r} (use {PARTIAL_FORMS}"
                         + (f", {DAY_WORDS})" if words else ")"))
    year, month, day = match.groups()
    if year == "0000":
        raise ValueError(f"not a {kind}: {text!r} (year 0000 does not exist)")
    if month is not None and not 1 <= int(month) <= 12:
        raise ValueError(f"not a {kind}: {text!r} (month {month} does not exist)")
    if day is not None:
        last = calendar.monthrange(int(year), int(month))[1]
        if not 1 <= int(day) <= last:
            raise ValueError(f"not a {kind}: {text!r} ({year}-{month} has {last} days)")
    raise ValueError(f"not a {kind}: {text!r} (use {PARTIAL_FORMS})")


def check_full(text: str, *, words: bool = False) -> str:
    """Return `text` if it is a real `YYYY-MM-DD` date, else raise ValueError (`words` as in
    `check_partial`)."""
    if len(text) != 10 or _SHAPE.fullmatch(text) is None:
        raise ValueError(f"not a full date: {text!r} (use {FULL_FORMS}"
                         + (f", {DAY_WORDS})" if words else ")"))
    return check_partial(text, kind="full date")


@cache
def sort_day(text: str) -> str:
    """The first day of a partial date as `YYYY-MM-DD`, which orders as the dates do.

    Cached: a ledger holds a few thousand distinct dates over many entries, and a cached call
    costs no Python frame, so reports order every entry without running this per entry.
    """
    return text + "-01-01"[len(text) - 4 :]


def period_bounds(text: str, *, words: bool = False) -> tuple[date, date]:
    """The first and last day of the period `text` names: a year, a quarter (`2019-Q3`, also
    `2019Q3` or `2019q3`, as hledger writes them), a half (`2019-H2`), a month or a day.
    ValueError naming the forms for anything else (`words` as in `check_partial`)."""
    match = _QUARTER_OR_HALF.fullmatch(text)
    if match is None:
        if _SHAPE.fullmatch(text) is not None:  # a date's shape: say what is wrong with it
            checked = check_partial(text, words=words)
            return first_day(checked), last_day(checked)
        raise ValueError(f"not a period: {text!r} (use {PERIOD_FORMS}"
                         + (f", {DAY_WORDS})" if words else ")"))
    year, kind, number = int(match[1]), match[2].upper(), int(match[3])
    if year == 0 or (kind == "H" and number > 2):
        raise ValueError(f"not a period: {text!r} (a year has 4 quarters and 2 halves, "
                         "from year 1)")
    months = 3 if kind == "Q" else 6
    first_month = (number - 1) * months + 1
    last = last_day(f"{year:04d}-{first_month + months - 1:02d}")
    return date(year, first_month, 1), last


def canonical_period(text: str, *, words: bool = False) -> str:
    """The period `text` names as a record keeps it (`PERIOD_PATTERN`): `2019q3` and `2019Q3`
    become `2019-Q3`; ValueError as `period_bounds` gives it for anything that is no period."""
    period_bounds(text, words=words)
    match = _QUARTER_OR_HALF.fullmatch(text)
    if match is None:
        return text
    return f"{match[1]}-{match[2].upper()}{match[3]}"


def months_before(day: date, months: int) -> date:
    """`day` moved back by whole months, to the month's last day where it is shorter (31 March
    less one month is 29 or 28 February); the calendar's first day at the least."""
    index = day.year * 12 + day.month - 1 - months
    if index < 12:
        return date.min
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


@cache
def end_day(text: str) -> str:
    """The last day of a partial date as `YYYY-MM-DD`: `2020-02` ends 2020-02-29."""
    return last_day(text).isoformat()


def begins_after(text: str, day: str) -> bool:
    """Whether the period a partial date names begins after `day` (`YYYY-MM-DD`)."""
    return sort_day(text) > day


def ends_before(text: str, day: str) -> bool:
    """Whether the whole period a partial date names ended before `day` (`YYYY-MM-DD`): `2020-01`
    did before 2020-02-29, `2020` did not."""
    return end_day(text) < day


def first_day(text: str) -> date:
    """The first day of the period a partial date (or a kept quarter or half) names: `2020` is
    2020-01-01."""
    year = int(text[:4])
    if text[5:6] in ("Q", "H"):
        return date(year, _first_month(text), 1)
    month = int(text[5:7]) if len(text) >= 7 else 1
    day = int(text[8:10]) if len(text) == 10 else 1
    return date(year, month, day)


def last_day(text: str) -> date:
    """The last day of the period a partial date names: `2020-02` is 2020-02-29."""
    year = int(text[:4])
    if len(text) == 4:
        return date(year, 12, 31)
    if text[5] in ("Q", "H"):
        return last_day(f"{year:04d}-{_first_month(text) + (2 if text[5] == 'Q' else 5):02d}")
    month = int(text[5:7])
    if len(text) == 7:
        return date(year, month, calendar.monthrange(year, month)[1])
    return date(year, month, int(text[8:10]))


def _first_month(text: str) -> int:
    """The first month of a kept quarter (`2019-Q3`: 7) or half (`2019-H2`: 7)."""
    return (int(text[6]) - 1) * (3 if text[5] == "Q" else 6) + 1


def parse_full(text: str, *, words: bool = False) -> date:
    """Parse a checked `YYYY-MM-DD` date."""
    return date.fromisoformat(check_full(text, words=words))


def format_timestamp(moment: datetime) -> str:
    """A UTC timestamp as stored in the file: microseconds and a `Z`, always the same width.

    `isoformat` writes the same text as the format, several times faster (an import stamps
    every row), for every year that has four digits."""
    utc = moment.astimezone(UTC)
    if utc.year < 1000:
        return utc.strftime(_TIMESTAMP_FORMAT)
    return utc.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def parse_timestamp(text: str) -> datetime:
    """A timestamp as the file stores it (`format_timestamp`), as an aware UTC datetime."""
    return datetime.strptime(text, _TIMESTAMP_FORMAT).replace(tzinfo=UTC)


def calendar_reason(value: object) -> str | None:
    """Why a date or timestamp that a pattern rejected names no real day, if that is the reason
    (the month's length, say); None when the value has some other fault, which the pattern's
    meaning then describes."""
    if not isinstance(value, str) or _NEAR_A_DAY.fullmatch(value) is None:
        return None
    try:
        check_partial(value[:10])
    except ValueError as error:
        return str(error)
    return None


def recorded_day(recorded_at: str) -> str:
    """The day (UTC) of a stored timestamp (`format_timestamp`): its first ten characters."""
    return recorded_at[:10]


def day_of(moment: date) -> date:
    """The day of a clock that may be a moment (`--known-at 2026-12-07T18:28:00Z`)."""
    return moment.date() if isinstance(moment, datetime) else moment


def clock_text(moment: date) -> str:
    """A clock as reports print it: a day, or a moment in UTC to the second (`...T18:28:00Z`)."""
    if isinstance(moment, datetime):
        utc = moment.astimezone(UTC)
        return utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ" if utc.microsecond else "%Y-%m-%dT%H:%M:%SZ")
    return moment.isoformat()


def recorded_by_then(recorded_at: str, known_at: date) -> bool:
    """Whether a record stamped `recorded_at` had been recorded by `known_at`: by the end of
    that day (UTC), or by that moment when it is one."""
    if isinstance(known_at, datetime):
        return recorded_at <= format_timestamp(known_at)
    return recorded_day(recorded_at) <= known_at.isoformat()
