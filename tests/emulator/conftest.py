"""Fixtures of the emulator's tests: ``database``, the back office's engine (SQLite and a
database of the session's PostgreSQL cluster), as in the host tests (tests/host/conftest.py)."""

from __future__ import annotations

from tests.host.conftest import database

__all__ = ["database"]
