"""compliance-ledger: who says each party to an agreement complies with each term.

The public Python API is the names in `__all__`; each is imported when first used (PEP 562), so
that `import ledger` (and the `ledger` command's start-up) stays fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_HOMES = {
    # the file: create, load, change in a transaction
    "create": "ledger.storage.writing",
    "load": "ledger.storage.loading",
    "transaction": "ledger.storage.writing",
    "LoadedLedger": "ledger.storage.loading",
    # changes: each takes a ledger and returns a new one
    "new_ledger": "ledger.core.edits",
    "add_party": "ledger.core.edits",
    "add_agreement": "ledger.core.edits",
    "add_term": "ledger.core.edits",
    "add_evidence": "ledger.core.entry_edits",
    "correct_evidence": "ledger.core.entry_edits",
    "change_record": "ledger.core.edits",
    "retract": "ledger.core.entry_edits",
    # reading: the two clocks, reports, selections, checks
    "snapshot": "ledger.core.clocks",
    "build_report": "ledger.core.status",
    "select_evidence": "ledger.core.select",
    "EvidenceSelection": "ledger.core.select",
    "Status": "ledger.core.status",
    "check_ledger": "ledger.checks",
    # records and words
    "Ledger": "ledger.core.model",
    "Agreement": "ledger.core.model",
    "Party": "ledger.core.model",
    "Term": "ledger.core.model",
    "Evidence": "ledger.core.model",
    "Role": "ledger.core.words",
    "Stance": "ledger.core.words",
    # what stops a command
    "LedgerError": "ledger.core.errors",
    "LedgerFileError": "ledger.core.errors",
}

__all__ = [
    "__version__",
    "create",
    "load",
    "transaction",
    "LoadedLedger",
    "new_ledger",
    "add_party",
    "add_agreement",
    "add_term",
    "add_evidence",
    "correct_evidence",
    "change_record",
    "retract",
    "snapshot",
    "build_report",
    "select_evidence",
    "EvidenceSelection",
    "Status",
    "check_ledger",
    "Ledger",
    "Agreement",
    "Party",
    "Term",
    "Evidence",
    "Role",
    "Stance",
    "LedgerError",
    "LedgerFileError",
]

if TYPE_CHECKING:
    from ledger.checks import check_ledger
    from ledger.core.clocks import snapshot
    from ledger.core.edits import add_agreement, add_party, add_term, change_record, new_ledger
    from ledger.core.entry_edits import add_evidence, correct_evidence, retract
    from ledger.core.errors import LedgerError, LedgerFileError
    from ledger.core.model import Agreement, Evidence, Ledger, Party, Term
    from ledger.core.rules import Status
    from ledger.core.select import EvidenceSelection, select_evidence
    from ledger.core.status import build_report
    from ledger.core.words import Role, Stance
    from ledger.storage.loading import LoadedLedger, load
    from ledger.storage.writing import create, transaction


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'ledger' has no attribute {name!r}")
    value = getattr(import_module(_HOMES[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
