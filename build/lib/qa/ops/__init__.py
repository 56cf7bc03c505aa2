"""Operations: is answering working (health), and how well it works (evaluation)."""
