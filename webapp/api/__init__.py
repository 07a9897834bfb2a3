"""api module."""
