"""Deterministic demo data: members and clients across Europe, in four languages."""
