"""Reading files the ledger names: regular files only, under a size ceiling, never blocking.

Ledgers, kept copies and source documents all come through `read_regular`, so that a FIFO, a
device such as /dev/zero or a huge sparse file is refused before a byte is read, and a source
document named inside a ledger goes through `document_path`, which keeps it inside its folder.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from ledger.core.errors import LedgerError

if TYPE_CHECKING:
    from collections.abc import Callable

DEFAULT_MAX_BYTES = 1 << 30
"""The largest file read (1 GiB): a ledger of a million entries is about 900 MB."""

_READ_CHUNK = 1 << 24
_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def kind_of(mode: int) -> str:
    """What a file that is not a regular file is, in words."""
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def describe_size(size: int) -> str:
    return f"{size / (1 << 20):,.1f} MiB" if size >= 1 << 20 else f"{size:,} bytes"


def read_regular(path: Path, *, what: str, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of `path` if it is a regular file of at most `max_bytes`; else LedgerError.

    The file is opened without blocking (a FIFO would otherwise wait for a writer forever) and
    its kind and size are taken from the open descriptor, so nothing can be swapped in between.
    """
    try:
        descriptor = os.open(path, _READ_FLAGS)
    except FileNotFoundError:
        raise
    except (OSError, ValueError) as error:
        raise LedgerError(f"{path}: cannot read {what}: {_reason(error)}") from None
    return _read_open(descriptor, path, what, max_bytes)


_READ_FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC


def read_inside(base: Path, relative: Path, *, what: str,
                max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of `base / relative`, opened one component at a time without following any
    symbolic link: `relative` comes from resolving the links already (`document_path`), so a
    link met now was put there since, and the file is not read.

    Resolving and then opening by name would let a folder swapped for a link in between lead
    the read outside `base`.
    """
    shown = base / relative
    parts = relative.parts
    if not parts:  # the folder itself, named `.` or by a link to it
        raise LedgerError(f"{shown}: is a directory, not a {what} file")
    try:
        directory = os.open(base, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as error:
        raise LedgerError(f"{base}: cannot read the folder: {_reason(error)}") from None
    try:
        for part in parts[:-1]:
            inner = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC,
                            dir_fd=directory)
            os.close(directory)
            directory = inner
        descriptor = os.open(parts[-1], _READ_FLAGS | os.O_NOFOLLOW, dir_fd=directory)
    except FileNotFoundError:
        raise
    except OSError as error:
        if error.errno in (errno.ELOOP, errno.ENOTDIR):
            raise LedgerError(f"{shown}: a symbolic link appeared on its path; not read") from None
        raise LedgerError(f"{shown}: cannot read {what}: {_reason(error)}") from None
    finally:
        os.close(directory)
    return _read_open(descriptor, shown, what, max_bytes)


def _read_open(descriptor: int, path: Path, what: str, max_bytes: int) -> bytes:
    """Read an open descriptor if it is a regular file within the ceiling; closes it."""
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise LedgerError(f"{path}: is {kind_of(status.st_mode)}, not a {what} file")
        if status.st_size > max_bytes:
            raise LedgerError(_too_large(path, what, status.st_size, max_bytes))
        # The whole file in one read, as large as it says it is (and a byte over, to see it
        # grow): a large ledger is then never held twice, as chunks and joined.
        chunks = [os.read(descriptor, status.st_size + 1)]
        total = len(chunks[0])
        while total <= max_bytes and (chunk := os.read(descriptor, _READ_CHUNK)):
            total += len(chunk)
            chunks.append(chunk)
        if total > max_bytes:
            raise LedgerError(_too_large(path, what, total, max_bytes))
    except OSError as error:
        raise LedgerError(f"{path}: cannot read {what}: {_reason(error)}") from None
    finally:
        os.close(descriptor)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _too_large(path: Path, what: str, size: int, max_bytes: int) -> str:
    return f"{path}: {what} file is {over_the_ceiling(size, max_bytes)}"


def over_the_ceiling(size: int, max_bytes: int) -> str:
    """How a size over the ceiling of what is read is said, wherever it is met."""
    return (f"{describe_size(size)}, over the ceiling of {describe_size(max_bytes)} (set "
            "COMPLIANCE_LEDGER_MAX_MB to read larger files)")


def _reason(error: OSError | ValueError) -> str:
    if isinstance(error, OSError):
        return error.strerror or str(error)
    return "the name holds a NUL character" if "null" in str(error) else str(error)


def document_path(folder: Path, name: str) -> Path | None:
    """`name` resolved inside `folder` (every symbolic link followed), or None if it leaves it.

    Raises FileNotFoundError (or another OSError) when the name does not resolve: a link to
    nowhere is not followed as text, so nothing about paths outside the folder shows through.
    The caller has already checked `document_name_problem`.
    """
    base = Path(os.path.realpath(folder))
    resolved = Path(os.path.realpath(base / name, strict=True))
    return resolved if resolved.is_relative_to(base) else None


def decode_utf8(raw: bytes, path: Path, advice: str = "",
                place: Callable[[str], tuple[int, int]] | None = None) -> str:
    """`raw` as text (a byte order mark dropped); invalid UTF-8 is a problem placed at its line
    and column (or where `place` puts the end of the text before it: a spreadsheet's row and
    cell), `advice` after the byte it names."""
    from ledger.core.errors import LedgerFileError, Problem

    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        prefix = raw[: error.start]
        if place is not None:
            line, column = place(prefix.decode("utf-8").removeprefix("\ufeff"))
        else:
            line = prefix.count(b"\n") + 1
            column = len(prefix[prefix.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        raise LedgerFileError([Problem(
            str(path), line, column, f"invalid UTF-8 (byte 0x{raw[error.start]:02x}){advice}"
        )]) from None
    return text.removeprefix("\ufeff")
