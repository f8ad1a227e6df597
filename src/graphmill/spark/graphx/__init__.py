"""graphmill's GraphX helper: a small Java class compiled on first use, reached through py4j."""
