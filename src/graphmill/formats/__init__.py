"""Small shared formats, one home each, beneath every layer that reads or writes them.

- :mod:`~graphmill.formats.vid`: the vertex id types (``string`` / ``int64``).
- :mod:`~graphmill.formats.names`: back-quoting a name for Cypher and nGQL.
- :mod:`~graphmill.formats.ngql_strings`: the value of an nGQL string literal (NebulaGraph's escapes).
- :mod:`~graphmill.formats.csv_header`: whether a CSV file's first row is a header.
- :mod:`~graphmill.formats.writeback`: the one error both stores raise when writing results back fails.

Each imports nothing from graphmill but :mod:`graphmill.errors`.
"""
