"""Readers of HTML, EPUB and DOCX into blocks; run in the parsing child, so they import only the stdlib and lxml."""
