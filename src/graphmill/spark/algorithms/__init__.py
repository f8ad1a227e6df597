"""Spark implementations of graphmill's algorithms, by task type (pyspark imported inside each)."""
