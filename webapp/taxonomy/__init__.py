"""taxonomy module."""
