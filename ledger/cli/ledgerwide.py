"""Commands on the whole ledger: `init`, `report`, `check` and `schema`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ledger.cli.app import (
    EXAMPLE,
    app,
    confirm_saved,
    emit,
    full_date,
    load,
    max_bytes,
    read,
    run,
    target,
    write,
)
from ledger.cli.options import AsOfOption, CategoryFilter, FormatOption, complete_party
from ledger.render import OutputFormat

if TYPE_CHECKING:
    from ledger.render.view import View


@app.command()
def init(
    ctx: typer.Context,
    title: Annotated[str | None, typer.Option(help="The ledger's title.")] = None,
    example: Annotated[
        str | None, typer.Option(help=f"Start from a bundled ledger (e.g. {EXAMPLE}).")
    ] = None,
) -> None:
    """Create a new ledger file at the chosen path; never overwrites one.

    Example: ledger -f peace.json init --title "Peace process monitor"
    """
    from ledger import changes, store

    def create() -> Path:
        path = target(ctx).path
        if example is None:
            ledger = changes.new_ledger(title or "Compliance ledger")
        else:
            ledger = store.load(store.bundled_path(example), max_bytes=max_bytes()).ledger
            if title is not None:
                ledger = ledger.model_copy(update={"title": changes.new_ledger(title).title})
        store.create(path, ledger)
        return path

    path = run(create)
    confirm_saved(None, f"created {path}" + (f" from the bundled example {example!r}"
                                             if example else ""))


@app.command()
def report(
    ctx: typer.Context,
    party: Annotated[str | None, typer.Option(help="Only this party's obligations.",
                                              autocompletion=complete_party)] = None,
    as_of: AsOfOption = None,
    category: CategoryFilter = None,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Per-party compliance report: each obligation's status, who claims, who disputes.

    Example: ledger report --party taliban --as-of 2020-12-31
    """
    from ledger import clock, status
    from ledger.render.views import report_view

    def build() -> View:
        ledger = read(ctx).ledger
        built = status.build_report(ledger, today=clock.today(), as_of=full_date("as_of", as_of),
                                    party=party, category=category)
        return report_view(built, ledger)

    emit(run(build), output)


@app.command()
def check(
    ctx: typer.Context,
    against: Annotated[Path | None, typer.Option(
        help="A kept copy (e.g. the file at a git tag): fail if any of its evidence entries or "
        "retractions is missing or changed.")] = None,
    sources: Annotated[Path | None, typer.Option(
        help="A folder of source documents: every named document must be found there (by file "
        "name) with its recorded SHA-256, and every quote must occur in it verbatim.")] = None,
) -> None:
    """Check the ledger: structure, references, dates, edits to recorded entries, and quotes.

    Example: ledger check --sources data --against ledger-2020-q4.json
    """
    from ledger import checks
    from ledger.render.text import neutralise

    def run_checks() -> str:
        loaded = read(ctx)
        kept = load(against) if against is not None else None
        outcome = checks.check_ledger(loaded, sources=sources, kept=kept, max_bytes=max_bytes())
        failure = outcome.failure()
        if failure is not None:
            raise failure
        return outcome.summary()

    summary = run(run_checks)
    run(lambda: write(neutralise(summary) + "\n"))


@app.command()
def schema() -> None:
    """Print the JSON Schema of the ledger file, for editors that validate while you type.

    Example: ledger schema > ledger.schema.json
    """
    import json

    from ledger.model import Ledger

    text = json.dumps(Ledger.model_json_schema(), indent=2, ensure_ascii=False)
    run(lambda: write(text + "\n"))
