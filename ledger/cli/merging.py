"""Commands for a team that keeps its ledger in git: `merge` (the merge driver), `resolve` and
`git-setup`."""

from __future__ import annotations

import shlex
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ledger.cli.app import app
from ledger.cli.conflicts import markers_way_out
from ledger.cli.context import max_bytes, target
from ledger.cli.errors import fail, run, say
from ledger.core.errors import InvalidValue, LedgerError

if TYPE_CHECKING:
    from ledger.merge.threeway import Conflict, Merged
    from ledger.merge.versions import Version

GIT_TEMPORARY_PREFIX = ".merge_file_"
"""How git names the files it hands a merge driver (in the work tree's top folder)."""


def _describe(version: object) -> str:
    """A record (or a title) as compact JSON, for a conflict line; none as '(none)'."""
    import orjson
    from pydantic import BaseModel

    if version is None:
        return "(none)"
    if isinstance(version, BaseModel):
        version = version.model_dump(mode="json", exclude_none=True)
    return orjson.dumps(version).decode("utf-8")


def _save_merged(path: Path, read: Callable[[], tuple[Version | None, Version, Version]],
                 doing: str, *, lock: Path | None = None) -> Merged:
    """Under the ledger's lock (that of `lock`, the ledger in the work tree, when `path` is
    git's copy of it): read the three versions, merge them, write the result to `path`
    (everything that merged, valid, even when some records are in conflict). `doing`: what git
    is doing that hands it the merge (`git.operation`)."""
    from ledger.merge import versions
    from ledger.storage import git, writing

    with writing.locked(lock or path):
        base, ours, theirs = read()
        merged = versions.merge_versions(base, ours, theirs, picking=doing != git.MERGING)
        writing.write_atomically(path, merged.content or writing.serialize(merged.ledger))
    return merged


def _resolve_into(file: Path, read: Callable[[], tuple[Version | None, Version, Version]],
                  doing: str) -> Merged:
    """Under the ledger's lock: merge the three versions that `read` gives (git's stages, or
    the ledger at two revisions and their common ancestor), then whatever of a ledger the file
    holds now, and write the result to it. Nothing of either side, nor of the file, is lost: the
    file may be the driver's merge or an earlier `resolve`'s with what was recorded since, one
    side alone (`git checkout --theirs`), or no ledger at all (conflict markers, both sides
    pasted together), which the merge of the versions then replaces."""
    from dataclasses import replace

    from ledger.merge import versions
    from ledger.merge.versions import Version
    from ledger.storage import git, writing

    picking = doing != git.MERGING
    with writing.locked(file):
        base, ours, theirs = read()
        merged = versions.merge_versions(base, ours, theirs, picking=picking)
        current = _ledger_in(file)
        if current is not None:
            content = merged.content or writing.serialize(merged.ledger)
            again = versions.merge_versions(base, Version(content, file), current,
                                            picking=picking)
            seen = {conflict.what for conflict in merged.conflicts}
            merged = replace(merged, ledger=again.ledger, content=again.content, conflicts=[
                *merged.conflicts, *(conflict for conflict in again.conflicts
                                     if conflict.what not in seen)])
        writing.write_atomically(file, merged.content or writing.serialize(merged.ledger))
    return merged


def _ledger_in(file: Path) -> Version | None:
    """The file as a version to merge, if it holds a valid ledger; None if it holds conflict
    markers, or anything else that is not a ledger (said, for it is then replaced)."""
    from ledger.core.errors import LedgerFileError
    from ledger.merge.versions import Version
    from ledger.storage import loading, parsing
    from ledger.storage.files import read_regular

    if not file.exists():
        return None
    raw = read_regular(file, what="ledger", max_bytes=max_bytes())
    if parsing.conflict_markers_in(raw):
        return None
    try:
        loading.load_bytes(raw, file)
    except LedgerFileError as error:
        say(f"{error.lines()[0]}: not a ledger, so the merge of the versions replaces it")
        return None
    return Version(raw, file)


def _say_left_behind(merged: Merged) -> None:
    if merged.left_behind or merged.brought_along:
        count, along = merged.left_behind, merged.brought_along
        said = []
        if count:
            held = " that its parent held is" if count == 1 else "s that its parent held are"
            named = ", ".join(merged.left_behind_names[:5]) + (
                f" and {count - 5} more" if count > 5 else "")
            said.append(f"{count} record{held} not on this branch and not brought in ({named})")
        if along:
            needed = " that it needs is" if along == 1 else "s that it needs are"
            said.append(f"{along} record{needed} brought in with it")
        say("a commit picked onto this branch brings what it changed and what that needs: "
            + "; ".join(said))


def _added_again(conflict: Conflict) -> str | None:
    """For an entry a merge left out, the command that records it again (a new id and
    recording time) once what it refers to is settled: its fields as the options that set
    them, which are the columns that `evidence list --format csv` writes."""
    from ledger.columns import EVIDENCE_COLUMNS, evidence_row
    from ledger.core.model import Evidence

    entry = conflict.theirs if conflict.theirs is not None else conflict.ours
    if not conflict.left_out or not isinstance(entry, Evidence):
        return None
    options = [f"--{column.replace('_', '-')} {shlex.quote(str(value))}"
               for column, value in zip(EVIDENCE_COLUMNS, evidence_row(entry), strict=True)
               if value and column not in ("id", "recorded_at", "retracted")]
    return "ledger evidence add " + " ".join(options)


def _report_conflicts(merged: Merged, path: str, then: str, doing: str) -> None:
    """Each conflict on stderr with both versions, then the way out; exit 1. The file holds our
    version of a record in conflict, or theirs where our side deleted it (so that nothing that
    refers to it is lost)."""
    import contextlib

    from ledger.render.text import one_line

    for conflict in merged.conflicts:
        say(f"conflict: {conflict}")
        with contextlib.suppress(OSError, ValueError):
            typer.echo(one_line(f"  ours:   {_describe(conflict.ours)}"), err=True)
            typer.echo(one_line(f"  theirs: {_describe(conflict.theirs)}"), err=True)
            again = _added_again(conflict)
            if again is not None:
                typer.echo(one_line(f"  again:  {again}"), err=True)
    from ledger.storage import git

    if doing == git.REBASING:
        say("(in a rebase, 'ours' is the branch it replays your commits onto, and 'theirs' your "
            "commit being replayed)")
    elif doing == git.PICKING:
        say("('ours' is this branch, and 'theirs' what git applies to it: a commit picked or "
            "reverted, or stashed changes)")
    count = len(merged.conflicts)
    fail(f"merge stopped on {count} conflict{'s' if count > 1 else ''}: {path} holds everything "
         "that merged, and our version of each record in conflict (theirs where we deleted it): "
         f"a valid ledger, no conflict markers; {then}")


@app.command()
def merge(
    base: Annotated[Path, typer.Argument(help="The common ancestor (git's %O); may be empty.",
                                         dir_okay=False)],
    ours: Annotated[Path, typer.Argument(help="Our version (git's %A): the result is written "
                                         "here.", dir_okay=False)],
    theirs: Annotated[Path, typer.Argument(help="Their version (git's %B).", dir_okay=False)],
    name: Annotated[str | None, typer.Argument(
        help="The ledger's path in the repository (git's %P), to name it in messages: git "
        "hands the driver temporary files.", show_default=False)] = None,
) -> None:
    """Three-way merge of a ledger by record, as git's merge driver: every record either side
    added is kept once; the result is written to OURS. Exit 1 on a genuine conflict.

    Example: ledger merge base.json ours.json theirs.json
    """
    from ledger.merge.versions import Version
    from ledger.storage import git, writing
    from ledger.storage.files import read_regular

    def read() -> tuple[Version | None, Version, Version]:
        return tuple(  # type: ignore[return-value]
            Version(read_regular(path, what="ledger", max_bytes=max_bytes()),
                    Path(f"{name} ({side})") if name else path)
            for path, side in ((base, "base"), (ours, "ours"), (theirs, "theirs")))

    # run by hand (no PATH argument, as git's %P gives): a merge of the files given
    doing = git.operation(Path(name), as_driver=True) if name else git.MERGING
    # git runs the driver from the top of the work tree, where %P names the ledger: its lock is
    # the one every writer takes. A driver registered without %P (an older `git-setup`), or a
    # ledger whose folder is not in the work tree (or a link, which no writer writes through),
    # can only lock the file it writes.
    work_tree_file = Path(name) if name and Path(name).parent.is_dir() and not (
        Path(name).is_symlink()) else None
    try:
        merged = run(lambda: _save_merged(ours, read, doing, lock=work_tree_file))
    finally:
        if work_tree_file is None and ours.name.startswith(GIT_TEMPORARY_PREFIX):
            # git's own temporary file, which no other writer can know: its lock goes with it.
            writing.lock_path(ours).unlink(missing_ok=True)
    _say_left_behind(merged)
    if merged.conflicts:
        _warn_of(merged)
        added_as = shlex.quote(name) if name else "the file"
        _report_conflicts(merged, name or str(ours), "fix each with the CLI (`ledger party "
                          f"correct`, ...), then `git add {added_as}`", doing)
    added = merged.added_from_theirs
    source = "your commit being replayed" if doing == git.REBASING else "their side"
    say(f"merged by record: {added} record{'' if added == 1 else 's'} and changes from {source}")
    _warn_of(merged)


def _warn_of(merged: Merged) -> None:
    """What the two sides recorded differently about one thing (`threeway.disagreements`), and
    a cycle of conditions that two branches each added half of: the merge keeps both sides
    (neither is wrong alone) and says so; `ledger check` fails on a cycle until one side is
    corrected."""
    from ledger.core.clocks import condition_cycle
    from ledger.merge.threeway import disagreements

    for disagreement in disagreements(merged):
        say(f"warning: {disagreement}")
    cycle = condition_cycle(merged.ledger)
    if cycle is not None:
        say(f"warning: the merged conditions form a cycle: {' waits on '.join(cycle)}; undo it "
            "with `ledger term correct ID --no-condition` (or `--condition`)")


@app.command()
def resolve(
    ctx: typer.Context,
    path: Annotated[Path | None, typer.Argument(
        help="The conflicted ledger (default: the ledger, as --file chooses it).",
        dir_okay=False, show_default=False)] = None,
    revisions: Annotated[tuple[str, str] | None, typer.Option(
        "--from", metavar="OURS THEIRS", show_default=False,
        help="Merge the ledger as committed at these two revisions (with their common "
        "ancestor as the base) instead of git's index: for conflict markers committed as they "
        "stood, or a merge git no longer holds.")] = None,
) -> None:
    """After git stopped on a conflicted ledger: merge the three versions git holds, by record,
    whatever the file holds now (markers, one side, both pasted), and what it holds of a ledger;
    write the file and stage it. For merges the driver did not run (a hosting service's web
    merge, or no `ledger git-setup`).

    Example: ledger resolve ledger.json
    """
    from ledger.merge.versions import Version
    from ledger.storage import git

    file = path if path is not None else target(ctx).path
    if revisions is not None:
        _resolve_from(file, *revisions)
        return

    def read() -> tuple[Version | None, Version, Version]:
        place = git.locate(file)
        try:
            base, ours, theirs = git.conflicted_versions(file)
        except git.NoConflict as error:
            raise _no_conflict(file, error) from None
        return (None if base is None else Version(base, Path(f":1:{place.path}")),
                Version(ours, Path(f":2:{place.path} (ours)")),
                Version(theirs, Path(f":3:{place.path} (theirs)")))

    doing = git.operation(file, as_driver=False)
    merged = run(lambda: _resolve_into(file, read, doing))
    _say_left_behind(merged)
    if merged.conflicts:
        _warn_of(merged)
        _report_conflicts(merged, str(file), "fix each with the CLI (`ledger party correct`, "
                          f"...), then `git add {shlex.quote(str(file))}`", doing)
    run(lambda: git.stage(file))
    say(f"resolved {file}: merged by record and staged; conclude as git says (`git commit`, "
        "or `--continue`)")
    _warn_of(merged)


def _resolve_from(file: Path, ours: str, theirs: str) -> None:
    """`resolve --from OURS THEIRS`: the ledger at two revisions, merged by record with their
    common ancestor's, and with the file where it holds a ledger; written, not staged."""
    from ledger.merge.versions import Version
    from ledger.storage import git

    def read() -> tuple[Version | None, Version, Version]:
        mine, other = (at(revision) for revision in (ours, theirs))
        base = git.base_at(file, ours, theirs, max_bytes=max_bytes())
        return None if base is None else Version(base[0], Path(base[1])), mine, other

    def at(revision: str) -> Version:
        try:
            raw, name = git.file_at(file, revision, max_bytes=max_bytes())
        except git.NotARevision as error:
            raise InvalidValue("from", str(error)) from None
        return Version(raw, Path(name))

    merged = run(lambda: _resolve_into(file, read, git.MERGING))
    added_as = shlex.quote(str(file))
    if merged.conflicts:
        _warn_of(merged)
        _report_conflicts(merged, str(file), "fix each with the CLI (`ledger party correct`, "
                          f"...), then `git add {added_as}` and commit", git.MERGING)
    say(f"resolved {file}: the ledger at {ours} and at {theirs} merged by record; `git add "
        f"{added_as}` and commit it")
    _warn_of(merged)


def _no_conflict(file: Path, error: LedgerError) -> LedgerError:
    """Why `resolve` cannot merge git's stages, and what will: nothing to resolve when the file
    is a ledger; else the way to the two versions it should hold (`markers_way_out`)."""
    from ledger.core.errors import LedgerFileError
    from ledger.storage import loading, parsing
    from ledger.storage.files import read_regular

    if not file.exists():
        return error
    raw = read_regular(file, what="ledger", max_bytes=max_bytes())
    if parsing.conflict_markers_in(raw):
        held = "holds conflict markers"
    else:
        try:
            loading.load_bytes(raw, file)
        except LedgerFileError:
            held = "is not a valid ledger"
        else:
            return error
    return LedgerError(f"{file} {held}, and git holds no conflict of it to merge (nothing was "
                       f"changed): {markers_way_out(file)}")


def _driver_command() -> str:
    """How git should start this program: this installation's Python by its full path, so that
    git finds it whatever PATH git runs with (an editor's, a shell without the virtual
    environment active), with `-P`: git runs a driver from the top of the work tree, and
    without it a `ledger.py` or `ledger/` committed there would run instead of this program."""
    import shlex
    import sys

    return f"{shlex.quote(sys.executable)} -P -m ledger"


@app.command("git-setup")
def git_setup(ctx: typer.Context) -> None:
    """In a git work tree: register `ledger merge` as the merge driver of the ledger file, in
    .gitattributes (other lines kept) and the repository's config. Safe to run twice.

    Example: ledger -f ledger.json git-setup
    """
    from ledger.storage import git, git_setup, writing

    file = target(ctx).path
    setup = run(lambda: git_setup.set_up(file, _driver_command()))
    say(f"{setup.attributes}: {'added' if setup.wrote_attributes else 'already holds'} "
        f"`{setup.attributes_line}` (commit it, so that the whole team merges by record)")
    held = "already holds" if setup.ignore in setup.overridden else "already ignores"
    say(f"{setup.ignore}: {'added' if setup.wrote_ignore else held} "
        f"`{setup.ignore_line}` (the lock file that writers take beside the ledger)")
    say(f"git config merge.{git.DRIVER_NAME}.driver: "
        f"{'set to' if setup.wrote_driver else 'already'} `{setup.driver}` (this clone only: "
        "each analyst runs `ledger git-setup` once)")
    for overridden in setup.overridden:
        about, asked = ((file, "check-attr -a") if overridden == setup.attributes
                        else (writing.lock_path(file), "check-ignore -v --no-index"))
        say(f"warning: {overridden}: git does not apply its line to {about}: another "
            f"{overridden.name} file, or a later line, overrides it (see `git {asked} -- "
            f"{shlex.quote(str(about))}`)")


