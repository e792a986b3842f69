"""What to say of a ledger git could not merge: the way to merge its sides that works from here."""

from __future__ import annotations

import shlex
from pathlib import Path

from ledger.cli.context import max_bytes
from ledger.cli.errors import say
from ledger.core.errors import LedgerFileError


def markers_way_out(file: Path) -> str:
    """What merges a ledger that git no longer holds a conflict of, when the file holds
    conflict markers or is no ledger: the two parents of the merge commit that committed the
    markers (`resolve --from`); else git's memory of a conflict staged as it stood (`git
    checkout -m`); else the two versions the user must name."""
    from ledger.storage import git

    quoted = shlex.quote(str(file))
    commit = git.merge_with_markers(file, max_bytes=max_bytes())
    if commit is not None:
        ours, theirs = f"{commit}^1", f"{commit}^2"
        return (f"the markers came with merge commit {commit}: run `ledger resolve "
                f"--from {ours} {theirs} {quoted}`, which merges its two parents by record")
    if git.conflict_remembered(file):
        return (f"run `git checkout -m -- {quoted}`, which brings back the three versions git "
                "merged, and then resolve them with `ledger resolve`")
    return (f"run `ledger resolve --from OURS THEIRS {quoted}` with the two revisions that were "
            "merged, or `ledger merge BASE OURS THEIRS` on the three versions as files")


def with_way_out(error: LedgerFileError, path: Path) -> LedgerFileError:
    """A file that is no ledger, where git holds or remembers a conflict of it: the way to the
    versions git merged. The load's refusal of conflict markers says "run `ledger resolve`",
    which merges the versions git holds: where git holds none (the markers were committed, or
    the file staged as it stood), it says what will merge them instead; of any other problem
    (both sides pasted together), a line says what merges them."""
    from dataclasses import replace

    from ledger.storage import git

    plain = "run `ledger resolve`"
    markers = any(problem.message.endswith(plain) for problem in error.problems)
    if git.merge_state(path).unfinished:
        if not markers:
            say(f"{path}: git holds a merge of this file not yet concluded: `ledger resolve` "
                "merges the versions git holds, by record, whatever the file holds now")
        return error
    if not markers:
        if git.conflict_remembered(path):
            say(f"{path}: git holds no conflict of this file any more: {markers_way_out(path)}")
        return error
    way_out = markers_way_out(path)
    return LedgerFileError([replace(problem, message=problem.message.removesuffix(plain)
                                    + "git holds no conflict of the file to merge: " + way_out)
                            if problem.message.endswith(plain) else problem
                            for problem in error.problems], error.more)
