"""The start-up floor of a Typer program: one command with one option, and nothing else.

Typer (0.29 on) builds a Pydantic TypeAdapter for each option of the command it runs, which
imports Pydantic's model machinery; `bench/run.py` times this program beside `ledger report` so
that the table shows what any Typer command costs before it does any work.
"""

import typer

app = typer.Typer()


@app.command()
def hello(name: str = "world") -> None:
    print(f"hello {name}")


if __name__ == "__main__":
    app()
