"""Sources: read OSM extracts, relief-point files and remote URLs into plain records."""
