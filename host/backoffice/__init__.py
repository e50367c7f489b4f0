"""The back office: the only holder of the authority signing key and the system of record.

Modules, one job each: ``db`` (engine and sessions), ``models`` (the schema),
``migrations`` (Alembic), ``site`` (a site directory), ``authority`` (signing
key files), ``codes`` and ``passwords`` (verifiers), ``roles`` and ``service``
(the one service layer that checks every caller), ``blocklist`` and
``bundles`` (signed objects for stations), ``audit_ingest`` (uploads from
stations), ``reports`` (activity search), ``service_tokens``, ``api`` and
``server`` (the station HTTP API), ``admin_cli`` (``synk admin``) and
``messages`` (every people-facing string).
"""
