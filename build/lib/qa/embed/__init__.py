"""Embed: the models that turn passages and questions into vectors, behind the Embedder protocol."""
