"""Retrieval-accuracy evaluation (see issue: retrieval eval suite)."""
