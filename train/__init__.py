"""Training code for the colorizer (never imported by the ``colorizer`` library)."""
