"""The one async SQLAlchemy storage layer: SQLite by default, PostgreSQL by URL."""
