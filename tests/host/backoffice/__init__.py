"""Tests of host/backoffice, one module per module under test."""
