"""`ledger export sqlite`: the ledger as a SQLite database, for `sqlite3` and Datasette."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ledger.cli.context import read_as
from ledger.cli.errors import run
from ledger.cli.options import AsOfOption, KnownAtOption
from ledger.cli.output import confirm_saved

export_app = typer.Typer(help="Export the ledger to another tool's format.",
                         no_args_is_help=True)


@export_app.command("sqlite")
def export_sqlite(
    ctx: typer.Context,
    out: Annotated[Path, typer.Argument(help="The database file to write (replaced whole).",
                                        dir_okay=False)],
    as_of: AsOfOption = None,
    known_at: KnownAtOption = None,
    metadata: Annotated[Path | None, typer.Option(
        "--metadata", help="Also write Datasette's metadata (title, source, what each table "
        "holds) to this JSON file.", dir_okay=False)] = None,
) -> None:
    """Write the ledger as a SQLite database: a table per kind of record, the report as
    `statuses`, foreign keys, indexes, and full-text search over what entries say
    (`evidence_fts`). Open it with `sqlite3` or `datasette`.

    Example: ledger export sqlite doha.db && datasette doha.db
    """
    from ledger import export
    from ledger.core import status

    def write() -> None:
        clocked = read_as(ctx, as_of, known_at)
        report = status.build_report(clocked.ledger, today=clocked.today, as_of=clocked.as_of,
                                     known_at=clocked.known_at)
        described = None if metadata is None else (metadata, export.metadata(
            clocked.ledger.title, out.stem, "compliance-ledger"))
        export.write_database(out, clocked.ledger, report, metadata=described)

    run(write)
    confirm_saved(None, f"wrote {out}" + (f" and {metadata}" if metadata else ""))
