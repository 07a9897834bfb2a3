"""directory module."""
