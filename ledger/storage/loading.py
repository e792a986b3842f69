"""Loading a ledger: bytes -> model, every problem placed at PATH:LINE:COL; migrations."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import chain
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ledger.core.dates import CALENDAR_PATTERNS, calendar_reason
from ledger.core.errors import Finding, LedgerError, LedgerFileError, Problem
from ledger.core.model import PATTERN_MEANINGS, SCHEMA_VERSION, Ledger
from ledger.core.references import reference_findings
from ledger.storage.files import DEFAULT_MAX_BYTES, read_regular
from ledger.storage.parsing import parse_carefully

MAX_PROBLEMS = 1000
"""Problems placed and reported at most: the first ones in file order, then a count of the rest."""

Migration = Callable[[dict[str, Any]], dict[str, Any]]


def _from_version_1(data: dict[str, Any]) -> dict[str, Any]:
    """Version 2 adds changes, and a recording time and digest to agreements, parties and terms;
    all optional, so version-1 data reads as it is: its records have no recording time (they
    count as recorded before anything newer) and get their digests once loaded."""
    return data


MIGRATIONS: dict[int, Migration] = {1: _from_version_1}
"""Version N -> N+1 changes of the parsed file, applied in memory when an older ledger is loaded."""

if TYPE_CHECKING:
    from pydantic import BaseModel, ValidationError

_BOM = "\ufeff"
BOM_BYTES = _BOM.encode("utf-8")
@dataclass
class LoadedLedger:
    """A ledger with the bytes it came from, so that problems found later can still be placed."""

    ledger: Ledger
    path: Path
    raw: bytes
    migrated_from: int | None = None
    _text: str | None = None

    def place_all(self, findings: list[Finding], limit: int = MAX_PROBLEMS) -> LedgerFileError:
        """The first `limit` findings in file order, placed at PATH:LINE:COL in one pass.

        Only those are placed, by one walk that stops where the last of them lies; the error
        counts the rest.
        """
        chosen = first_in_file_order(findings, attrgetter("location"), limit)
        return self._place_chosen(chosen, total=len(findings), limit=limit)

    def _place_chosen(self, chosen: list[Finding], *, total: int, limit: int) -> LedgerFileError:
        from ledger.storage import jsonpos

        if not chosen:  # nothing to place: the text need not be decoded
            return LedgerFileError([], more=total)
        if self._text is None:
            self._text = self.raw.decode("utf-8").removeprefix(_BOM)
        offsets = jsonpos.locate_all(
            self._text, [(finding.location, finding.at_key) for finding in chosen]
        )
        places = jsonpos.lines_and_columns(self._text, offsets)
        problems = sorted(
            (Problem(str(self.path), line, column, finding.message)
             for finding, (line, column) in zip(chosen, places, strict=True)),
            key=lambda problem: (problem.line, problem.column),
        )[:limit]
        return LedgerFileError(problems, more=total - len(problems))


_Item = TypeVar("_Item")


def first_in_file_order(items: list[_Item], location_of: Callable[[_Item], tuple[str | int, ...]],
                        limit: int) -> list[_Item]:
    """Items that include the first `limit` in file order, without knowing their offsets.

    Records of one top-level list lie in the text in the order of their index, so the items in
    the `limit` lowest-indexed records of each list include the first `limit` of the file. All
    items of the record at the cut are kept, since their order inside it is the text's.
    """
    if len(items) <= limit:
        return items
    by_field: dict[object, list[tuple[int, _Item]]] = {}
    for item in items:
        location = location_of(item)
        index = location[1] if len(location) > 1 and isinstance(location[1], int) else -1
        by_field.setdefault(location[:1], []).append((index, item))
    chosen: list[_Item] = []
    for group in by_field.values():
        if len(group) <= limit:
            chosen += [item for _, item in group]
            continue
        cut = sorted(index for index, _ in group)[limit - 1]
        chosen += [item for index, item in group if index <= cut]
    return chosen


def load(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, fast: bool = True) -> LoadedLedger:
    """Read, parse and validate a ledger; raise LedgerFileError listing every problem found.

    The fast path parses and validates in one pass from bytes (Pydantic's `model_validate_json`)
    and accepts only what the careful path would accept the same way; anything else (an error, an
    older schema, a possible duplicate key) goes the careful way, which names and places every
    problem. `fast=False` takes the careful path alone: slower, the same result (tests hold the
    two paths to that). The interpreter is left as it was found: the `ledger` script runs
    without the cyclic garbage collector, but a program that calls this keeps its own.
    """
    return load_bytes(_read_bytes(path, max_bytes), path, fast=fast)


def load_bytes(raw: bytes, path: Path, *, fast: bool = True) -> LoadedLedger:
    """`load` of bytes read elsewhere (from git, say); `path` names them in problems."""
    ledger, rejection = _load_fast(raw) if fast else (None, None)
    migrated_from = None
    if ledger is None:
        ledger, migrated_from = _load_carefully(raw, path, rejection)
        if migrated_from is not None:
            ledger = _sealed_where_unsealed(ledger)
    findings = reference_findings(ledger)
    if findings:
        raise _placed(raw, path, findings)
    return LoadedLedger(ledger, path, raw, migrated_from)


_WHITESPACE_BEFORE_COLON = re.compile(rb'"[ \t\r\n]+:')


def _load_fast(raw: bytes) -> tuple[Ledger | None, ValidationError | None]:
    """The ledger, if `raw` is a valid current-version ledger with no duplicate key; else None.

    When validation failed, its error comes back too: the careful path then only needs to parse
    the text for what validation cannot see (syntax, duplicate keys, NaN, an older version), and
    reports these same problems when there is nothing of the kind, without validating again.

    JSON parsers keep the last of duplicate keys silently, so the keys are counted: every key
    in the text ends with `":` (or `"`, white space, `:`), and a quote inside a string is escaped
    (`\\"`); with extra fields forbidden, every key of a valid file is a field name, so the count
    in the text equals the count of fields set in the models exactly when no key is repeated.
    """
    from pydantic import ValidationError

    body = raw[len(BOM_BYTES):] if raw.startswith(BOM_BYTES) else raw

    try:
        ledger = Ledger.model_validate_json(body)
    except ValidationError as error:
        return None, error
    if ledger.schema_version != SCHEMA_VERSION:
        return None, None
    return (ledger if keys_in_text(body) == _fields_set(ledger) else None), None


def keys_in_text(body: bytes) -> int:
    """How many keys the JSON text `body` holds, if it is valid JSON (see `_load_fast`)."""
    keys = body.count(b'":')
    if _WHITESPACE_BEFORE_COLON.search(body):  # never in a file this program wrote
        keys += len(_WHITESPACE_BEFORE_COLON.findall(body))
    if b"\\" in body:
        keys -= body.count(b'\\":')
    return keys


def _fields_set(ledger: Ledger) -> int:
    """How many keys the parsed objects held, counted in C-level passes (map, not loops)."""
    return _keys_held([ledger], Ledger)


def _keys_held(records: Sequence[BaseModel], model: type[BaseModel]) -> int:
    total = sum(map(len, map(_FIELDS_SET, records)))
    for name, child, many in nested_models(model):
        values = map(attrgetter(name), records)
        children = list(chain.from_iterable(values) if many else filter(None, values))
        if children:
            total += _keys_held(children, child)
    return total


_FIELDS_SET = attrgetter("__pydantic_fields_set__")  # the property model_fields_set reads, in C


@cache
def nested_models(model: type[BaseModel]) -> tuple[tuple[str, type[BaseModel], bool], ...]:
    """The fields of `model` that hold models: (name, model, whether a tuple of them), read from
    the annotations, so that a record type added later is counted without anyone listing it."""
    from typing import get_args, get_origin

    from pydantic import BaseModel

    return tuple(
        (name, candidate, get_origin(info.annotation) is tuple)
        for name, info in model.model_fields.items()
        for candidate in get_args(info.annotation) or (info.annotation,)
        if isinstance(candidate, type) and issubclass(candidate, BaseModel)
    )


def _load_carefully(raw: bytes, path: Path, rejection: ValidationError | None
                    ) -> tuple[Ledger, int | None]:
    """One C parse that rejects duplicate keys and non-finite numbers, migration, validation.

    `rejection` is the fast path's validation error, reported as it is when the text holds
    nothing that validation cannot see; JSON-mode and Python-mode validation of the same data
    find the same problems, and validating a large ledger twice would double the wait.
    """
    text = _decode(raw, path)
    data = parse_carefully(text, path)
    data, migrated_from = _upgrade(data, text, path)
    if migrated_from is None and rejection is not None and not _unparsed(rejection):
        raise _rejected(rejection, data, raw, path, text)
    del text
    return _validate(data, raw, path), migrated_from


def _unparsed(rejection: ValidationError) -> bool:
    """Whether validation stopped at JSON it could not parse (then its only error says so)."""
    return rejection.error_count() == 1 and rejection.errors(
        include_url=False, include_input=False, include_context=False)[0]["type"] == "json_invalid"


def _validate(data: dict[str, Any], raw: bytes, path: Path) -> Ledger:
    from pydantic import ValidationError

    try:
        return Ledger.model_validate(data)
    except ValidationError as error:
        raise _rejected(error, data, raw, path) from None


def _rejected(error: ValidationError, data: Any, raw: bytes, path: Path,
              text: str | None = None) -> LedgerFileError:
    """The validation problems, the first MAX_PROBLEMS in file order described and placed.

    Inputs are looked up in the parsed `data` for those described only: asking Pydantic for
    every input would copy every bad value of a file that is bad in every record.
    """
    details = error.errors(include_url=False, include_context=True, include_input=False)
    chosen = first_in_file_order(details, itemgetter("loc"), MAX_PROBLEMS)
    findings = [_finding_from_pydantic(detail, data) for detail in chosen]
    loaded = LoadedLedger(Ledger(title="-"), path, raw, _text=text)
    return loaded._place_chosen(findings, total=len(details), limit=MAX_PROBLEMS)


def _placed(raw: bytes, path: Path, findings: list[Finding], text: str | None = None
            ) -> LedgerFileError:
    """`findings` placed in `raw` (whose decoded `text` is passed when the caller has it)."""
    return LoadedLedger(Ledger(title="-"), path, raw, _text=text).place_all(findings)


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    try:
        return read_regular(path, what="ledger", max_bytes=max_bytes)
    except FileNotFoundError:
        raise LedgerError(f"{path}: no such ledger file (run `ledger init`)") from None


def _decode(raw: bytes, path: Path) -> str:
    from ledger.storage.files import decode_utf8

    return decode_utf8(raw, path)


def _upgrade(data: dict[str, Any], text: str, path: Path) -> tuple[dict[str, Any], int | None]:
    """Bring an older file's data to the current schema in memory; refuse a newer one."""
    version = data.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool) or version == SCHEMA_VERSION:
        return data, None
    if version > SCHEMA_VERSION:
        raise _placed(text.encode("utf-8"), path, [Finding(
            ("schema_version",),
            f"this ledger has schema version {version}; this program reads versions up to "
            f"{SCHEMA_VERSION}: install a newer compliance-ledger",
        )])
    if any(step not in MIGRATIONS for step in range(version, SCHEMA_VERSION)):
        raise _placed(text.encode("utf-8"), path, [Finding(
            ("schema_version",), f"unknown schema version {version} (current: {SCHEMA_VERSION})"
        )])
    for step in range(version, SCHEMA_VERSION):
        data = MIGRATIONS[step](data)
    data["schema_version"] = SCHEMA_VERSION
    return data, version


def _value_at(data: Any, location: tuple[str | int, ...]) -> Any:
    try:
        for step in location:
            data = data[step]
    except (KeyError, IndexError, TypeError):
        return None
    return data


def _finding_from_pydantic(detail: Any, data: Any) -> Finding:
    location = tuple(detail["loc"])
    kind = detail["type"]
    if kind == "extra_forbidden":
        shown = repr(location[-1])
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        return Finding(location, f"unknown field {shown}", at_key=True)
    if kind == "missing":
        return Finding(location[:-1], f"missing field {location[-1]!r}")
    message = str(detail["msg"]).removeprefix("Value error, ")
    if kind == "tuple_type":
        message = "Input should be a valid array"  # the JSON name, in JSON and Python modes alike
    if kind == "string_pattern_mismatch":
        value = _value_at(data, location)
        shown = repr(value)
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        pattern = detail["ctx"]["pattern"]
        reason = calendar_reason(value) if pattern in CALENDAR_PATTERNS else None
        message = reason or f"{shown} is not {PATTERN_MEANINGS.get(pattern, message)}"
    field = next((step for step in reversed(location) if isinstance(step, str)), None)
    return Finding(location, f"{field}: {message}" if field else message)


def _sealed_where_unsealed(ledger: Ledger) -> Ledger:
    """Agreements, parties and terms of an older file with the digests version 2 gives them."""
    from ledger.core.digests import sealed

    return ledger.model_copy(update={
        field: tuple(record if record.digest else sealed(record)
                     for record in getattr(ledger, field))
        for field in ("agreements", "parties", "terms")
    })


