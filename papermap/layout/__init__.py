"""Layout: pure functions from plain data to positions on paper. Nothing here draws."""
