"""Platform-neutral conversation layer: commands and replies, never a chat library."""
