"""The index store: where generations are written and read, behind one small interface (protocol.py).

protocol.py    the seam: RowFilter, PassageStore, GenerationStore, ServingGeneration (what search and answers read),
               DocumentRecord, NewGeneration (a built generation in memory)
backends.py    which backend the settings choose; the current generation as app servers serve it
manifest.py    a generation's manifest, its data files' hashes, and the checks on load (model weights, format)
chunks.py      the SQLite chunk store: chunk rows, documents (text, sections, pages, references), words
pointer.py     the CURRENT pointer (atomic), durable writes, pruning of old generations
writer.py      writing a local generation folder (complete, then one rename)
reader.py      reading the current local generation (Generation, open_current), falling back to the previous
faiss_passages.py            the FAISS backend's passages: vector indexes, bm25s, chunk rows (FAISS stays in here)
faiss_backend.py             the FAISS backend: local generation folders as a GenerationStore
qdrant.py                    the Qdrant backend: a passages collection per generation, alias swap
qdrant_generation.py         the side collection, and a generation served from Qdrant alone
qdrant_server.py, qdrant_embedded.py   the engines: qdrant-client (server, cluster) and qdrant-edge-py (embedded)
"""
