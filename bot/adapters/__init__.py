"""Chat-platform adapters: translate platform events to Messages and Replies back. No logic."""
