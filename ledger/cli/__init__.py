"""The `ledger` command line: a Typer app, one module per noun. The only package that imports Typer.

`app.py` holds the root command, errors and output; `options.py` the options that commands share;
`agreement`, `party`, `term` and `evidence` their subcommands; `ledgerwide` init, report, check and
schema; `merging` merge, resolve and git-setup; `interactive` the questions of `evidence add
--interactive`.
"""

from __future__ import annotations

from ledger.cli import ledgerwide, merging
from ledger.cli.agreement import agreement_app
from ledger.cli.app import app, main
from ledger.cli.evidence import evidence_app
from ledger.cli.party import party_app
from ledger.cli.term import term_app

app.add_typer(agreement_app, name="agreement")
app.add_typer(party_app, name="party")
app.add_typer(term_app, name="term")
app.add_typer(evidence_app, name="evidence")

__all__ = ["app", "ledgerwide", "main", "merging"]
