"""compliance-ledger: who says each party to an agreement complies with each term."""

__version__ = "0.1.0"
