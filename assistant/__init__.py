"""Retrieval and cited answers over the treaty corpus (see issue: cited retrieval)."""
