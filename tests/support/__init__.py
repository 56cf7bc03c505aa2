"""What several test modules share: generated files, a running server, the shared manuals."""
