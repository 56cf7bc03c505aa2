"""Present: results as people read them: reflowed text, Markdown with sources, build progress."""
