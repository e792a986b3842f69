"""The lexical rule for a source document's name: a relative path that stays in its folder.
Pure, so that the rules of a new entry can apply it; `storage.files.document_path` adds the
half that looks at the disk."""

from __future__ import annotations

import posixpath


def document_name_problem(name: str) -> str | None:
    """Why a source document's name may not be used, or None when it may.

    A name is a relative path that stays inside the folder it is resolved against: no absolute
    path, no `..` that climbs out, no NUL. This lexical rule is the first half; `document_path`
    adds the second, which follows symbolic links.
    """
    if "\x00" in name:
        return "document name holds a NUL character"
    normal = posixpath.normpath(name)
    if posixpath.isabs(name) or normal == ".." or normal.startswith("../"):
        return f"document path {name!r} leaves the sources folder"
    if normal == ".":
        return f"document path {name!r} names the folder itself, not a file"
    return None
