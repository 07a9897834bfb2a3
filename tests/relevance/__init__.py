"""Judged relevance set and the harness that scores the search API against it."""
