"""Ingest: corpus files read into Documents (text, sections, pages) and cut into cited Chunks."""
