"""Ledger documents: one in-memory model (`LedgerDoc`), readers that produce it, writers that
consume it. Nothing here knows the database."""
