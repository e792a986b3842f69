"""The `ledger` command line: a Typer app, one module per noun. The only package that imports Typer.

`app` holds the root command and `main` (process set-up); `argv` the command line before Typer
parses it; `errors` how problems become messages and exit codes; `context` the ledger a command
works on (read on the two clocks, or changed in a transaction) and the date options; `output`
writing and paging; `options` the options that commands share; `agreement`, `party`, `term` and
`evidence` their subcommands; `assessment` `assess` and the team's findings; `author` who
records; `ledgerwide` init, report, check and schema; `merging` merge, resolve and git-setup;
`conflicts` what to say of a file git could not merge; `imports` the three `import` commands;
`interactive` the questions of `evidence add --interactive`; `clock` the one clock.
"""

from __future__ import annotations

from ledger.cli import ledgerwide, merging
from ledger.cli.agreement import agreement_app
from ledger.cli.app import app, main
from ledger.cli.assessment import assess, assessment_app
from ledger.cli.evidence import evidence_app
from ledger.cli.export import export_app
from ledger.cli.party import party_app
from ledger.cli.term import term_app

app.add_typer(agreement_app, name="agreement")
app.add_typer(party_app, name="party")
app.add_typer(term_app, name="term")
app.add_typer(evidence_app, name="evidence")
app.command("assess")(assess)
app.add_typer(assessment_app, name="assessment")
app.add_typer(export_app, name="export")

__all__ = ["app", "ledgerwide", "main", "merging"]
