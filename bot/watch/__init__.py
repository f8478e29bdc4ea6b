"""Watchlists, digests, registry change events and their delivery (core; no chat here)."""
