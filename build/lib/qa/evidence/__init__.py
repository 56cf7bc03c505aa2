"""Evidence: a cited passage shown on its page image, with the passage's characters marked."""
