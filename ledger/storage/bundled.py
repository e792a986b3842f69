"""The bundled example ledgers and the source documents that come with them."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from ledger.core.errors import LedgerError
from ledger.core.model import (
    Ledger,
)

BUNDLED_LEDGERS = ("doha-2020",)


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
    from ledger.core.documents import document_name_problem

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
    from ledger.storage.writing import write_atomically

    for target, content in files.items():
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(target, content)
