"""Tests of host/: the back office (service layer, bundles, audit ingestion, station API, CLI)."""
