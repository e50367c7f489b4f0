"""The back office: the only holder of the authority signing key and the system of record.

Programmatic use (tests, the emulator): ``site.init_site`` / ``Site.open``,
then ``service.BackOffice(site, clock)`` and ``office.actor_for(None)`` (the
site administrator); ``api.create_app(site, clock)`` is the station API.

Modules, one job each: ``db`` (engine and sessions), ``models`` (the schema),
``migrations`` (Alembic), ``site`` (a site directory), ``authority`` (signing
key files), ``codes`` and ``passwords`` (verifiers), ``roles`` and ``service``
(the one service layer that checks every caller), ``blocklist`` and
``bundles`` (signed objects for stations), ``wire`` (their fast ``struct``
encoding), ``station_config`` (a station's signed configuration),
``audit_ingest`` (uploads from stations), ``reports`` (activity search),
``service_tokens``, ``timeutil`` (local days and windows), ``api`` and
``server`` (the station HTTP API, with the web pages of ``host.web`` mounted
at ``/web``), ``followup`` (the follow-up routine's reports and the visit
import), ``sign_in`` (web sessions), ``admin_cli`` (``synk admin``) and
``messages`` (every people-facing string).
"""
