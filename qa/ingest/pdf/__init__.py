"""PDFs (and images, read by OCR in the same child): pages extracted in a sandboxed child (extract.py runs child.py),
composed into the document text (document_text.py) without navigation pages (navigation.py) and running heads
(running_heads.py), sections from the outline (outline.py), ruled tables (ruled_tables.py) and tables set without
rules (aligned_tables.py), printed page labels (page_labels.py)."""
