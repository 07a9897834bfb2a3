"""Member and client cards."""
