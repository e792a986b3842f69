"""Writing a ledger: its canonical order, the lock, atomic saves and the transaction (lock, load,
change, save); and any other file the tool writes, replaced whole."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from operator import attrgetter, le, lt
from pathlib import Path
from typing import Any

from ledger.core.errors import LedgerError
from ledger.core.model import RECORD_KINDS, Ledger
from ledger.core.references import reference_findings
from ledger.storage.bundled import BUNDLED_LEDGERS
from ledger.storage.files import DEFAULT_MAX_BYTES, kind_of, over_the_ceiling
from ledger.storage.loading import BOM_BYTES, LoadedLedger, load

LOCK_TIMEOUT_SECONDS = 10.0


def lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


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


def new_file_mode() -> int:
    """The mode a new file gets from this process's umask (`mkstemp` and our own temporary files
    are made 0600 until they are in place)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextmanager
def replaced_whole(path: Path) -> Iterator[Path]:
    """A new, empty file beside `path` for the block to write; renamed over `path` when the
    block ends, removed when it raises, so that a reader never finds half a file. For what the
    tool writes besides the ledger (`-o FILE`, exports); the ledger is saved by
    `write_atomically`, which also locks, syncs and keeps the old file's mode."""
    import tempfile

    try:
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    except OSError as error:
        raise LedgerError(f"{path}: cannot write there ({error.strerror or error})") from None
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        temporary.chmod(new_file_mode())
        os.replace(temporary, path)
    except BaseException as error:
        temporary.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise LedgerError(f"{path}: cannot write there ({error.strerror or error})") from None
        raise


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
    mode = new_file_mode() if status is None else stat.S_IMODE(status.st_mode)
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
            and not loaded.raw.startswith(BOM_BYTES)):
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


def _check_lockable(lock: Path) -> None:
    """Raise the OS's reason when the lock file can be neither opened nor created (a folder
    that is gone, a file system that makes no files, as /proc): waiting would not help. The
    file opened or made here is the one the lock takes, as filelock would make it."""
    descriptor = os.open(lock, os.O_RDONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK
                         | os.O_CLOEXEC, 0o644)
    os.close(descriptor)


@contextmanager
def locked(path: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the ledger's lock file for a whole load-change-save; clean a killed writer's leftovers,
    and an interrupted one's own.

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
        try:
            lock.acquire(timeout=0)
        except Timeout:
            # Held by another writer, or a lock file that cannot be made at all (filelock
            # waits on either): only the first is worth the wait.
            _check_lockable(lock_path(path))
            lock.acquire()
    except Timeout:
        raise LedgerError(
            f"{path}: another command is writing this ledger (waited {timeout:g} s for "
            f"{lock_path(path)}); try again"
        ) from None
    except OSError as error:
        raise LedgerError(f"cannot lock: {lock_path(path)}: {error.strerror or error}") from None
    try:
        for leftover in list(_temporary_files(path)):
            _remove_if_abandoned(leftover)
        yield
    except BaseException:
        # A save stopped (Ctrl-C) between making its temporary file and guarding it leaves the
        # file behind: under the lock, it is nobody's.
        for leftover in list(_temporary_files(path)):
            _remove_if_abandoned(leftover)
        raise
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

        with ledger.transaction(Path("peace.json")) as draft:
            draft.ledger = ledger.add_party(draft.ledger, "north", name="North", recorded_at=now)
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
