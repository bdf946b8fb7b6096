"""Output: write finished PDFs so that a failed run never leaves a half-written file."""
