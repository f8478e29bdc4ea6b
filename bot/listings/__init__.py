"""Registry listings: sources, snapshots, validation and the name index."""
