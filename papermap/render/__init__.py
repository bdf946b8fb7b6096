"""Render: draw a finished layout onto PDF pages. Nothing here decides where things go."""
