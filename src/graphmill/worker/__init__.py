"""Running one algorithm task in its own process, so a cancel can really stop it."""
