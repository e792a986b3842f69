"""The public Python API: every name `ledger.__all__` declares is there, lazily imported."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import ledger


def test_every_public_name_resolves() -> None:
    missing = [name for name in ledger.__all__ if getattr(ledger, name, None) is None]
    assert missing == []
    assert sorted(dir(ledger)) == sorted(ledger.__all__)


def test_importing_the_package_imports_no_rules_until_asked() -> None:
    """Start-up stays fast: `import ledger` loads neither Pydantic nor the rules."""
    code = ("import sys, ledger; print(sorted(m for m in sys.modules "
            "if m.startswith(('pydantic', 'ledger.'))))")
    printed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True).stdout
    assert printed.strip() == "[]"


def test_the_command_line_imports_no_rules_before_a_command_runs() -> None:
    """`ledger --help` stays fast, and Pydantic is imported only after `main` has switched its
    plugins off: importing the command line loads no rule, model or Pydantic."""
    code = ("import sys, ledger.cli; print(sorted(m for m in sys.modules "
            "if m.startswith(('pydantic', 'ledger.core.model', 'ledger.storage'))))")
    printed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True).stdout
    assert printed.strip() == "[]"


def test_the_library_takes_a_party_by_its_name(small: Path) -> None:
    """Without the command line, a party filter still takes a party's name or alias (any
    case), and refuses one that names nobody with the closest id."""
    import pytest

    from ledger.core.errors import InvalidValue
    from ledger.core.select import EvidenceSelection, TermSelection, select_evidence, select_terms

    held = ledger.load(small).ledger
    by_name = [term.id for term in select_terms(held, TermSelection(party="NORTHLAND"))]
    assert by_name == [term.id for term in select_terms(held, TermSelection(party="north"))]
    assert by_name
    with pytest.raises(InvalidValue, match="did you mean 'north'"):
        select_evidence(held, EvidenceSelection(party="Nrthland"))
