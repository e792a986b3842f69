"""What the ledger asks of git, through git itself: the work tree a file is in, the file at a
revision, the three versions of a conflicted file, staging, and the merge driver's setup."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ledger.core.errors import LedgerError
from ledger.storage.files import describe_size

DRIVER_NAME = "ledger"
"""The merge driver's name: `merge=ledger` in .gitattributes, `merge.ledger.driver` in config."""
DRIVER_LABEL = "compliance-ledger: three-way merge by record"


class NotARevision(LedgerError):
    """The name given is not a revision of the repository (or there is no repository)."""


SAFE_SETTINGS = ("core.fsmonitor=false", "core.hooksPath=/dev/null", "core.pager=cat",
                 "core.editor=:")
"""Set over the repository's own config on every git call: the settings that name a program
for git to run as it reads or writes the index, pages or prompts. A repository handed over keeps
its config, which must run nothing; git lets no alias replace its own commands, and the ledger
asks git for none that runs a diff, filter or merge driver."""


def run_git(folder: Path, *arguments: str, revisions: Sequence[str] = (),
            paths: Sequence[str] = (), check: bool = True) -> subprocess.CompletedProcess[bytes]:
    """Run git in `folder`, its output captured, with the repository's executable settings off
    (`SAFE_SETTINGS`, and no system-wide config); no pager, no prompt, the user's locale aside,
    no optional lock taken by a command that only reads. Names the user gave come last, where
    git reads no option: `revisions` after `--end-of-options`, `paths` after `--` (git's own
    end of options for paths), each path taken literally, never as a pattern."""
    environment = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat", "LC_ALL": "C",
                   "GIT_CONFIG_NOSYSTEM": "1", "GIT_OPTIONAL_LOCKS": "0",
                   # check-ignore matches its paths against patterns and takes no pathspec magic
                   "GIT_LITERAL_PATHSPECS": "0" if arguments[:1] == ("check-ignore",) else "1"}
    settings = [word for setting in SAFE_SETTINGS for word in ("-c", setting)]
    command = ["git", *settings, "-C", str(folder), *arguments]
    if revisions:
        command += ["--end-of-options", *revisions]
    if paths:
        command += ["--", *paths]
    try:
        done = subprocess.run(command, capture_output=True, env=environment, check=False)
    except FileNotFoundError:
        raise LedgerError("git is not installed (or not on PATH)") from None
    if check and done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise LedgerError(f"git {arguments[0]}: {message[-1] if message else 'failed'}")
    return done


@dataclass(frozen=True)
class InRepository:
    """A file's place in a git work tree: the tree's top folder and the file's path from it."""

    top: Path
    path: str
    """With '/' separators, as git names it (`data/ledger.json`)."""


def locate(file: Path) -> InRepository:
    """Where `file` (which need not exist) sits in its git work tree; LedgerError outside one."""
    folder = file.parent if str(file.parent) else Path(".")
    if not folder.is_dir():
        raise LedgerError(f"{file}: the folder {folder} does not exist")
    done = run_git(folder, "rev-parse", "--show-toplevel", check=False)
    if done.returncode != 0:
        raise LedgerError(f"{file}: not in a git work tree")
    top = Path(done.stdout.decode("utf-8", "surrogateescape").rstrip("\n"))
    relative = Path(os.path.realpath(folder)).relative_to(os.path.realpath(top)) / file.name
    return InRepository(top, relative.as_posix())


def _is_commit(place: InRepository, revision: str) -> bool:
    """Whether `revision` names a commit of the repository (a name git could read as an
    option, or as a path at a revision, never does)."""
    return bool(revision) and not revision.startswith("-") and ":" not in revision and run_git(
        place.top, "rev-parse", "--verify", "--quiet", revisions=[f"{revision}^{{commit}}"],
        check=False).returncode == 0


def file_at(file: Path, revision: str, *, max_bytes: int) -> tuple[bytes, str]:
    """The bytes of `file` as committed at `revision`, and their name (`REV:PATH`, as git
    writes it). NotARevision when there is no work tree or no such revision."""
    try:
        place = locate(file)
    except LedgerError as error:
        raise NotARevision(str(error)) from None
    if not _is_commit(place, revision):
        raise NotARevision(f"{revision!r} is not a revision of the repository at {place.top}")
    found = _blob_at(place, revision, max_bytes=max_bytes)
    if found is None:
        raise LedgerError(f"{place.path} does not exist at {revision}")
    return found


def _blob_at(place: InRepository, revision: str, *, max_bytes: int
             ) -> tuple[bytes, str] | None:
    """The file at a commit, and its name; None when it did not exist there."""
    name = f"{revision}:{place.path}"
    size = run_git(place.top, "cat-file", "-s", revisions=[name], check=False)
    if size.returncode != 0:
        return None
    if int(size.stdout) > max_bytes:
        raise LedgerError(f"{name}: {describe_size(int(size.stdout))} is more than a ledger may "
                          f"be ({describe_size(max_bytes)})")
    return run_git(place.top, "cat-file", "blob", revisions=[name]).stdout, name


def revision_kind(file: Path, name: str) -> str | None:
    """What `name` is in the repository of `file`: "tag", "branch" or "revision" (any other
    name of a commit); None when it names no commit, or there is no repository."""
    try:
        place = locate(file)
    except LedgerError:
        return None
    if not _is_commit(place, name):
        return None
    return next((kind for kind, prefix in (("tag", "refs/tags/"), ("branch", "refs/heads/"))
                 if _is_commit(place, prefix + name)), "revision")


def base_at(file: Path, ours: str, theirs: str, *, max_bytes: int) -> tuple[bytes, str] | None:
    """The bytes of `file` at the best common ancestor of two revisions, and their name; None
    when they have none, or the file did not exist there (both sides added it)."""
    place = locate(file)
    done = run_git(place.top, "merge-base", revisions=[ours, theirs], check=False)
    common = done.stdout.decode("ascii", "replace").split()
    return _blob_at(place, common[0], max_bytes=max_bytes) if done.returncode == 0 and (
        common) else None


class NoConflict(LedgerError):
    """git holds no conflict of the file: no stages 1, 2, 3 in its index."""


def conflicted_versions(file: Path) -> tuple[bytes | None, bytes, bytes]:
    """The base, our and their versions of a file that git stopped on (index stages 1, 2, 3);
    no base when both sides added the file. NoConflict when git holds none."""
    place = locate(file)
    listing = run_git(place.top, "ls-files", "--unmerged", "-z", paths=[place.path]).stdout
    stages = {stage: blob for _, blob, stage in _index_entries(listing)}
    if not stages:
        raise NoConflict(f"{file}: git has no merge conflict in this file (nothing to resolve)")
    if "2" not in stages or "3" not in stages:
        side = "our" if "2" not in stages else "their"
        raise LedgerError(f"{file}: deleted on {side} side of the merge: keep the file with "
                          f"`git add {place.path}` or delete it with `git rm {place.path}`")
    base = run_git(place.top, "cat-file", "blob", revisions=[stages["1"]]).stdout if (
        "1" in stages) else None
    return (base, run_git(place.top, "cat-file", "blob", revisions=[stages["2"]]).stdout,
            run_git(place.top, "cat-file", "blob", revisions=[stages["3"]]).stdout)


def _index_entries(listing: bytes) -> list[tuple[str, str, str]]:
    """(mode, blob, stage) of each line of `ls-files --stage -z` (or `--unmerged`,
    `--resolve-undo`)."""
    infos = (line.partition(b"\t")[0].decode("ascii").split()
             for line in filter(None, listing.split(b"\0")))
    return [(mode, blob, stage) for mode, blob, stage in infos]


def conflict_remembered(file: Path) -> bool:
    """Whether git's index still remembers a conflict of `file` that was staged as it stood
    (resolve-undo): `git checkout -m FILE` then brings the three versions back."""
    try:
        place = locate(file)
    except LedgerError:
        return False
    done = run_git(place.top, "ls-files", "--resolve-undo", "-z", paths=[place.path], check=False)
    return done.returncode == 0 and bool(done.stdout)


def merge_with_markers(file: Path, *, max_bytes: int, depth: int = 50) -> str | None:
    """The merge commit (abbreviated) that brought conflict markers into the ledger as last
    committed: the oldest of the latest commits that changed the file, up to `depth` of them,
    whose version holds markers, if it is a merge of two. None when the last commit's version
    holds none, or a commit of one parent brought them (a pick, a squash)."""
    from ledger.storage.parsing import conflict_markers_in

    try:
        place = locate(file)
    except LedgerError:
        return None
    listing = run_git(place.top, "rev-list", f"--max-count={depth}", "HEAD", paths=[place.path],
                   check=False)
    found = None
    for commit in listing.stdout.decode("ascii", "replace").split():
        version = None
        with contextlib.suppress(LedgerError):  # a version too large to read holds none
            version = _blob_at(place, commit, max_bytes=max_bytes)
        if version is None or not conflict_markers_in(version[0]):
            break
        found = commit
    if found is None:
        return None
    named = run_git(place.top, "rev-list", "--parents", "--abbrev-commit", "--max-count=1",
                 revisions=[found]).stdout.decode("ascii", "replace").split()
    return named[0] if len(named) == 3 else None


@dataclass(frozen=True)
class MergeState:
    """What git will do with, or holds of, a ledger that the file itself cannot show."""

    driver_missing: bool
    """The work tree's attributes merge the file with our driver, but this clone has no
    command for it: git would merge the ledger line by line."""
    unfinished: bool
    """git holds a merge of the file not yet concluded (stages in its index): after `ledger
    merge` stopped on a conflict, or a merge git could not hand to the driver at all (the file
    then holds our version alone)."""


def merged_by_driver(place: InRepository) -> bool:
    """Whether the work tree's attributes give the file our merge driver."""
    attribute = run_git(place.top, "check-attr", "merge", paths=[place.path], check=False)
    return attribute.stdout.decode("utf-8", "replace").rstrip("\n").endswith(
        f": merge: {DRIVER_NAME}")


def merge_state(file: Path) -> MergeState:
    """`MergeState` of `file`; nothing to say outside a work tree, or without git."""
    try:
        place = locate(file)
    except LedgerError:
        return MergeState(False, False)
    missing = merged_by_driver(place) and not run_git(
        place.top, "config", "--get", f"merge.{DRIVER_NAME}.driver", check=False).stdout.strip()
    listing = run_git(place.top, "ls-files", "--unmerged", "-z", paths=[place.path], check=False)
    return MergeState(missing, listing.returncode == 0 and bool(listing.stdout))


MERGING = "merge"
PICKING = "pick"
REBASING = "rebase"


def operation(file: Path, *, as_driver: bool) -> str:
    """What hands us a merge of `file`: a merge (MERGING), a rebase (REBASING: each commit it
    replays is picked onto the new base) or another command that applies one commit's changes
    (PICKING: cherry-pick, revert, stash, am, checkout -m).

    git tells a merge driver (`as_driver`) nothing of this but its environment and state files:
    a rebase keeps its state folder (`git am` keeps one too, with `applying` in it: a pick);
    `git merge` and `git pull` name themselves in GIT_REFLOG_ACTION; a program git did not
    start is no pick. `ledger resolve`, run after git stopped, finds MERGE_HEAD (or, for
    `git merge --squash`, SQUASH_MSG) when a merge stopped.
    """
    if as_driver and "GIT_EXEC_PATH" not in os.environ:
        return MERGING
    try:
        place = locate(file)
    except LedgerError:
        return MERGING
    names = ("rebase-merge", "rebase-apply", "rebase-apply/applying", "MERGE_HEAD",
             "SQUASH_MSG")
    paths = run_git(place.top, "rev-parse", *(word for name in names
                                           for word in ("--git-path", name)), check=False)
    if paths.returncode != 0:
        return MERGING
    rebase_merge, rebase_apply, applying, merge_head, squashing = (
        (place.top / line).exists()
        for line in paths.stdout.decode("utf-8", "surrogateescape").splitlines())
    if rebase_merge or rebase_apply and not applying:
        return REBASING  # before the environment: `git pull --rebase` says "pull"
    if as_driver:
        merging = os.environ.get("GIT_REFLOG_ACTION", "").startswith(("merge", "pull"))
        return MERGING if merging and not applying else PICKING
    return MERGING if merge_head or squashing else PICKING


def stage(file: Path) -> None:
    """Stage the file as it is in the work tree, concluding git's conflict of it: its bytes as
    they are (no clean filter run: the stages were read as stored), in the mode our side had."""
    place = locate(file)
    listing = run_git(place.top, "ls-files", "--stage", "-z", paths=[place.path]).stdout
    modes = {stage: mode for mode, _, stage in _index_entries(listing)}
    mode = modes.get("2", modes.get("0", "100644"))
    blob = run_git(place.top, "hash-object", "-w", "--no-filters", paths=[place.path])
    run_git(place.top, "update-index", "--add", "--cacheinfo",
         f"{mode},{blob.stdout.decode('ascii').strip()},{place.path}")


def user_name(folder: Path) -> str | None:
    """`user.name` as git would sign a commit in `folder` (the repository's setting, else the
    user's), or None: not set, or no git."""
    try:
        done = run_git(folder, "config", "--get", "user.name", check=False)
    except LedgerError:
        return None
    name = done.stdout.decode("utf-8", "replace").strip()
    return name if done.returncode == 0 and name else None
