"""Extraction: the studies and patients files a reviewer fills in, validated and stored."""
