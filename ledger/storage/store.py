"""Find the ledger file, load it (bytes -> model, problems placed at PATH:LINE:COL), lock, save."""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import cache
from itertools import chain
from operator import attrgetter, itemgetter, le, lt
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ledger.core.errors import Finding, LedgerError, LedgerFileError, Problem
from ledger.core.model import (
    CALENDAR_PATTERNS,
    PATTERN_MEANINGS,
    RECORD_KINDS,
    SCHEMA_VERSION,
    Ledger,
    calendar_reason,
    reference_findings,
)
from ledger.storage.files import DEFAULT_MAX_BYTES, kind_of, over_the_ceiling, read_regular

BUNDLED_LEDGERS = ("doha-2020",)
DEFAULT_FILE = "ledger.json"
ENVIRONMENT_VARIABLE = "COMPLIANCE_LEDGER"
LOCK_TIMEOUT_SECONDS = 10.0
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
_BOM_BYTES = _BOM.encode("utf-8")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
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


def bundled_path(name: str) -> Path:
    """The bundled ledger `name`, in an installed wheel or in a source checkout."""
    if name not in BUNDLED_LEDGERS:
        raise LedgerError(
            f"no bundled ledger {name!r} (bundled: {', '.join(BUNDLED_LEDGERS)})"
        )
    package = Path(__file__).resolve().parents[1]
    installed = package / "data" / f"{name}.json"
    return installed if installed.is_file() else package.parent / "data" / f"{name}.json"


@dataclass(frozen=True)
class BundledSource:
    """A source document of a bundled ledger: its name in the entries, the bundled copy, how many
    entries name it."""

    name: str
    bundled: Path
    entries: int


def bundled_sources(name: str, ledger: Ledger) -> list[BundledSource]:
    """The documents that the entries of the bundled ledger `name` name, found beside it."""
    folder = bundled_path(name).parent
    counts: dict[str, int] = {}
    for entry in ledger.evidence:
        if entry.source is not None and entry.source.document is not None:
            counts[entry.source.document] = counts.get(entry.source.document, 0) + 1
    return [BundledSource(document, folder / document, count)
            for document, count in counts.items() if (folder / document).is_file()]


def sources_beside(path: Path, example: str, sources: list[BundledSource]) -> dict[Path, bytes]:
    """The files that put an example's source documents in the folder of its new ledger `path`,
    with a note of where they come from, so that `ledger check` verifies every quote without the
    package's own folder. A file already there with other bytes is refused here, before anything
    is written (`write_new_files` then skips those already there with the same bytes).
    """
    from ledger.storage.files import document_name_problem

    if not sources:
        return {}
    folder = path.parent
    note = folder / f"{example}-sources.md"
    contents = {source.name: source.bundled.read_bytes() for source in sources}
    lines = [f"# The sources of the example ledger {example!r}", "",
             f"`ledger init --example {example}` copied these files from the compliance-ledger "
             "package, where they are bundled with the example, beside the ledger it made. They "
             "are the texts its entries quote; `ledger check` verifies each quote, and each "
             "file's SHA-256, against them.", ""]
    lines += [f"- `{source.name}`: SHA-256 {hashlib.sha256(contents[source.name]).hexdigest()},"
              f" named by {source.entries} entries" for source in sources]
    planned = {**{folder / name: content for name, content in contents.items()},
               note: ("\n".join(lines) + "\n").encode()}
    for name in contents:
        problem = document_name_problem(name)
        if problem is not None:
            raise LedgerError(f"bundled example {example!r}: {problem}")
    for target, content in planned.items():
        if os.path.abspath(target) == os.path.abspath(path):
            raise LedgerError(f"{path}: is the name of one of the example's sources; name the "
                              "ledger otherwise (e.g. ledger.json)")
        if target.is_symlink():
            held = "is a symbolic link"
        elif not target.exists():
            continue
        elif not target.is_file():
            held = "is a folder" if target.is_dir() else "is not a regular file"
        elif target.read_bytes() != content:
            held = "already exists with other content"
        else:
            continue
        raise LedgerError(f"{target}: {held}; `ledger init --example` writes the example's "
                          "sources beside the ledger and never replaces a file (run it in an "
                          "empty folder)")
    return planned


def write_new_files(files: dict[Path, bytes]) -> None:
    """Write each file that is not there yet (one there already holds the same bytes)."""
    for target, content in files.items():
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(target, content)


def lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


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

    body = raw[len(_BOM_BYTES):] if raw.startswith(_BOM_BYTES) else raw

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
    data = _parse(text, path)
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


class _Suspect(Exception):
    """The fast parse met something that needs the slow walk to place and name."""


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _Suspect
    return result


def _reject_constant(name: str) -> Any:
    raise _Suspect


def _finite_float(literal: str) -> float:
    value = float(literal)
    if value in (float("inf"), float("-inf")):
        raise _Suspect
    return value


_CONFLICT_MARKER = re.compile(r"^(<{7}|\|{7}|={7}|>{7})( |$)", re.MULTILINE)
"""A line git writes into a file it could not merge. JSON strings hold no raw line break, so
such a line is never inside a value; it is looked for only once the parse has failed."""


def conflict_markers_in(raw: bytes) -> bool:
    """Whether the file holds a line of git's conflict markers."""
    return _CONFLICT_MARKER.search(raw.decode("utf-8", "replace")) is not None


def _parse(text: str, path: Path) -> dict[str, Any]:
    """The careful path's parse; `json` and `jsonpos` are imported here, off the fast path."""
    import json

    from ledger.storage import jsonpos

    if not text or text.isspace():
        raise LedgerFileError([Problem(str(path), 1, 1, "empty file: a ledger is a JSON object")])
    try:
        data = json.loads(text, object_pairs_hook=_unique_pairs, parse_constant=_reject_constant,
                          parse_float=_finite_float)
    except json.JSONDecodeError as error:
        marker = _CONFLICT_MARKER.search(text)
        if marker is not None:
            line, column = jsonpos.line_and_column(text, marker.start())
            raise LedgerFileError([Problem(
                str(path), line, column,
                f"merge conflict markers at line {line}: run `ledger resolve`")]) from None
        message = error.msg.removesuffix(" at")  # the position is the problem's own
        end = text.rstrip()
        if message == "Extra data":
            message = "unexpected content after the ledger's closing brace"
        elif (error.pos >= len(end) or message.startswith("Unterminated string")
              or (error.pos > 0 and "\n" not in end[error.pos:] and not end.endswith(("}", "]")))):
            # The parse stopped at the end, or in the last line of a file that does not close.
            message += " (the file ends too early: truncated?)"
        raise LedgerFileError([Problem(str(path), error.lineno, error.colno, message)]) from None
    except (_Suspect, RecursionError, ValueError):
        raise _anomaly(text, path) from None
    if _SURROGATE_ESCAPE.search(text) and jsonpos.find_anomaly(text) is not None:
        raise _anomaly(text, path)
    if not isinstance(data, dict):
        line, column = jsonpos.line_and_column(text, len(text) - len(text.lstrip()))
        raise LedgerFileError([Problem(
            str(path), line, column, "the top level must be a JSON object, not " + _kind(data)
        )])
    return data


def _anomaly(text: str, path: Path) -> LedgerFileError:
    from ledger.storage import jsonpos

    found = jsonpos.find_anomaly(text)
    offset, message = found if found is not None else (0, "not a valid ledger")
    line, column = jsonpos.line_and_column(text, offset)
    return LedgerFileError([Problem(str(path), line, column, message)])


def _kind(value: object) -> str:
    return {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number"
    )


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
    from ledger.core.model import sealed

    return ledger.model_copy(update={
        field: tuple(record if record.digest else sealed(record)
                     for record in getattr(ledger, field))
        for field in ("agreements", "parties", "terms")
    })


def recorded_order(record: Any) -> tuple[str, str]:
    """Where a record stands in its list: by recorded time, then id (a record of a version-1
    file, with no recording time, first)."""
    return record.recorded_at or "", record.id


_RECORDED = attrgetter("recorded_at")
_ALWAYS_RECORDED = frozenset(field for field, _, kind in RECORD_KINDS
                             if kind.model_fields["recorded_at"].is_required())
"""The lists whose every record has a recording time (entries, retractions, changes)."""


def canonical(ledger: Ledger) -> Ledger:
    """Every list in recording order (by recorded time, then id): two copies that hold the same
    records are the same bytes, whichever order they were added or merged in.

    Records of a version-1 file have no recording time and come first, by id. A list already
    in order (the common case: a record is appended with the latest time) is not sorted again.
    """
    update = {}
    for field, _, _ in RECORD_KINDS:
        records = getattr(ledger, field)
        if field in _ALWAYS_RECORDED:
            # Recording times that strictly increase are in order whatever the ids: compared
            # as strings, in C (the evidence is most of a large ledger).
            times = list(map(_RECORDED, records))
            if all(map(lt, times, times[1:])):
                continue
        keys = list(map(recorded_order, records))
        if not all(map(le, keys, keys[1:])):
            update[field] = tuple(sorted(records, key=recorded_order))
    return ledger.model_copy(update=update) if update else ledger


def serialize(ledger: Ledger) -> bytes:
    """The file's bytes: canonical order, field order, 2-space indent, UTF-8, a trailing newline;
    same records in, same bytes out.

    Characters that a terminal would act on are written as \\u escapes (`safejson`), so that
    `cat ledger.json` is safe; JSON readers get the same text back.
    """
    from ledger.storage import layout

    return layout.dump(canonical(ledger))


_TEMPORARY_SUFFIX = re.compile(r"\.[0-9a-f]{16}\.tmp")


def temporary_name(path: Path) -> str:
    """`.NAME.<16 hex digits>.tmp`: stripping the fixed-length tail gives back exactly NAME, so no
    other ledger's temporary file (`.NAME.v2.….tmp` for `NAME.v2`) can be taken for this one's."""
    import secrets

    return f".{path.name}.{secrets.token_hex(8)}.tmp"


def _temporary_files(path: Path) -> Iterator[Path]:
    prefix = f".{path.name}"
    try:
        names = os.listdir(path.parent)
    except OSError:
        return
    for name in names:
        if name.startswith(prefix) and _TEMPORARY_SUFFIX.fullmatch(name, len(prefix)):
            yield path.parent / name


def _remove_if_abandoned(leftover: Path) -> None:
    """Remove a temporary file unless a live writer holds it (writers lock their own file).

    Writers of one ledger also hold its lock file, so under that lock every leftover is a dead
    writer's; the lock on the file itself guards against any writer that did not take it.
    """
    import fcntl

    try:
        descriptor = os.open(leftover, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return  # not a file a writer made: not ours to remove
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        leftover.unlink(missing_ok=True)
    except OSError:
        return
    finally:
        os.close(descriptor)


def write_atomically(path: Path, content: bytes | Sequence[bytes | memoryview]) -> None:
    """Replace `path` with `content` (or its pieces, one after the other) so that a crash leaves
    the old file or the new, never a mix.

    The new file keeps the old one's mode, and its owner and group where this user may set them
    (root writing another user's ledger). Any failure (a full disk, a read-only folder) leaves
    the old file as it was, removes the temporary file, and is one LedgerError.
    """
    import fcntl

    if path.is_symlink():
        raise LedgerError(f"{path}: is a symbolic link; point --file at the file it names")
    try:
        status: os.stat_result | None = path.stat()
    except FileNotFoundError:
        status = None
    except OSError as error:
        raise LedgerError(f"{path}: cannot save: {error.strerror}") from None
    if status is None:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    else:
        mode = stat.S_IMODE(status.st_mode)
    temporary = path.parent / temporary_name(path)
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    except OSError as error:
        raise LedgerError(f"{path}: cannot write in its folder: {error.strerror}") from None
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        with os.fdopen(descriptor, "wb") as handle:
            if isinstance(content, bytes):
                handle.write(content)
            else:
                handle.writelines(content)
            handle.flush()
            os.fsync(handle.fileno())
            if status is not None and (status.st_uid, status.st_gid) != (os.geteuid(),
                                                                         os.getegid()):
                with suppress(PermissionError):
                    os.fchown(handle.fileno(), status.st_uid, status.st_gid)
            os.fchmod(handle.fileno(), mode)
            os.replace(temporary, path)
    except BaseException as error:
        temporary.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise LedgerError(f"{path}: cannot save ({error.strerror or error}); the ledger is "
                              "unchanged") from None
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    except OSError:
        pass
    finally:
        os.close(folder)


def save(path: Path, ledger: Ledger, loaded: LoadedLedger | None = None, *,
         max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    """Check the ledger's references once more and write it atomically; the caller holds the lock.

    A ledger over `max_bytes` is refused, not written: every command reads a ledger only up to
    that ceiling, so such a file could not be read again (a small spreadsheet whose shared
    strings repeat a long text could otherwise make one).

    Dates need no second look: the models' patterns hold the calendar. When `ledger` only
    appends records to the `loaded` one, in order, the new records' text is spliced into the
    bytes it was read from (`layout.appended`) rather than every record written again: the same
    bytes for a file this program wrote. `loaded` must be what `load` returned for `path`, as
    `transaction` passes it: the splice keeps its bytes, and trusts its ledger to be theirs.
    """
    from ledger.storage import layout

    ordered = canonical(ledger)
    content, new = None, None
    if (loaded is not None and ordered is ledger and loaded.migrated_from is None
            and not loaded.raw.startswith(_BOM_BYTES)):
        grown = layout.appended_records(loaded.ledger, ledger)
        if grown is not None:
            content = layout.appended(loaded.raw, ledger, grown)
            # Spliced, the older records are the bytes `load` read and checked: only the new
            # records' references need following. Written whole, every record's are.
            new = ledger.model_copy(update=grown) if content is not None else None
    findings = reference_findings(ledger, new=new)
    if findings:
        raise LedgerError(f"{path}: refusing to save an inconsistent ledger: {findings[0].message}")
    data = content if content is not None else [layout.dump(ordered)]
    size = sum(map(len, data))
    if size > max_bytes:
        raise LedgerError(f"{path}: refusing to save a ledger that no command could read "
                          f"again: {over_the_ceiling(size, max_bytes)}")
    write_atomically(path, data)


@contextmanager
def locked(path: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the ledger's lock file for a whole load-change-save; clean a killed writer's leftovers.

    The lock is a separate file: the atomic rename swaps the ledger's inode, so a lock taken on the
    ledger itself would guard a file that is no longer there.
    """
    from filelock import FileLock, Timeout

    if path.is_symlink():
        raise LedgerError(f"{path}: is a symbolic link; point --file at the file it names")
    try:
        mode = path.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        mode = stat.S_IFREG
    except OSError as error:
        raise LedgerError(f"{path}: cannot use: {error.strerror}") from None
    if not stat.S_ISREG(mode):
        raise LedgerError(f"{path}: is {kind_of(mode)}, not a ledger file")
    folder = path.parent
    if not folder.is_dir():
        raise LedgerError(f"{path}: the folder {folder} does not exist (create it first)")
    timeout = LOCK_TIMEOUT_SECONDS if timeout is None else timeout
    lock = FileLock(str(lock_path(path)), timeout=timeout)
    try:
        lock.acquire()
    except Timeout:
        raise LedgerError(
            f"{path}: another command is writing this ledger (waited {timeout:g} s for "
            f"{lock_path(path)}); try again"
        ) from None
    except OSError as error:
        raise LedgerError(f"{path}: cannot lock: {error.strerror or error}") from None
    try:
        for leftover in list(_temporary_files(path)):
            _remove_if_abandoned(leftover)
        yield
    finally:
        lock.release()


@dataclass
class Draft:
    """A ledger open for change: replace `ledger` with a changed one; it is saved on leaving."""

    path: Path
    loaded: LoadedLedger
    ledger: Ledger


@contextmanager
def transaction(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES,
                timeout: float | None = None) -> Iterator[Draft]:
    """Lock the ledger, load it, let the caller change it, save it atomically if it changed.

    The lock spans all three, so that two writers never lose each other's change. An exception
    inside the block leaves the file as it was.

        with store.transaction(Path("peace.json")) as draft:
            draft.ledger = changes.add_party(draft.ledger, "north", name="Northland")
    """
    if not path.exists() and not path.is_symlink():
        raise LedgerError(f"{path}: no ledger here; run `ledger init` (or `ledger init "
                          f"--example {BUNDLED_LEDGERS[0]}`) first")
    with locked(path, timeout):
        loaded = load(path, max_bytes=max_bytes)
        draft = Draft(path, loaded, loaded.ledger)
        yield draft
        if draft.ledger is not loaded.ledger:
            save(path, draft.ledger, loaded, max_bytes=max_bytes)


def create(path: Path, ledger: Ledger) -> None:
    """Write a new ledger file; never replaces one that exists, even one made meanwhile."""
    def refuse() -> LedgerError:
        return LedgerError(f"{path}: already exists; `ledger init` never overwrites")

    if path.exists() or path.is_symlink():
        raise refuse()
    with locked(path):
        if path.exists() or path.is_symlink():
            raise refuse()
        save(path, ledger)


def locate(named: str | None, environment: dict[str, str] | None = None, *,
           search: bool = True) -> tuple[Path, bool]:
    """The ledger a command works on: the file named, else $COMPLIANCE_LEDGER, else ledger.json
    in this folder or the nearest parent folder that has one (as git finds its repository; not
    for `init`, which creates one here), else ./ledger.json; and whether the user named it (only
    an unnamed, absent ledger falls back to the example)."""
    if named:
        return Path(named), True
    value = (os.environ if environment is None else environment).get(ENVIRONMENT_VARIABLE)
    if value:
        return Path(value), True
    found = nearest(DEFAULT_FILE, Path.cwd()) if search else None
    return (found or Path(DEFAULT_FILE)), False


def nearest(name: str, start: Path) -> Path | None:
    """`name` in `start` or the nearest parent folder that has it, relative to `start`.

    The search stops at the top of a git work tree (a folder holding `.git`) and at the root of
    the file system: a ledger outside the project is never picked up by accident.
    """
    folder = start
    while True:
        candidate = folder / name
        if candidate.exists() or candidate.is_symlink():
            return Path(os.path.relpath(candidate, start))
        if (folder / ".git").exists() or folder.parent == folder:
            return None
        folder = folder.parent
