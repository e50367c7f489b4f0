"""synk host tools: the back office (authority, database, bundles, station API) and the CLI."""
