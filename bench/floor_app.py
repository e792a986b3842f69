"""The least that a command of this stack costs at start-up, one library at a time.

    python bench/floor_app.py --step typer|pydantic|rich

`typer`: a Typer command with one option, doing nothing. `pydantic`: the same, and it validates a
one-field JSON object into a Pydantic model. `rich`: that too, and it prints the value in a
one-row Rich table. `bench/run.py` times the three beside `ledger report`, so the table shows how
much of the report's start-up any program that parses options with Typer, validates with Pydantic
and prints with Rich pays before it does any work of its own. (Typer 0.29 builds a Pydantic
TypeAdapter for each option of the command it runs, so even the first step imports Pydantic's
model machinery.)
"""

import typer

app = typer.Typer()


@app.command()
def floor(step: str = "typer") -> None:
    if step == "typer":
        return
    from pydantic import BaseModel

    class Record(BaseModel):
        name: str

    record = Record.model_validate_json(b'{"name": "floor"}')
    if step == "rich":
        from rich.console import Console
        from rich.table import Table

        table = Table("name")
        table.add_row(record.name)
        Console().print(table)


if __name__ == "__main__":
    app()
