"""graphmill: a self-hosted graph-analytics workflow server.

It speaks NebulaGraph Explorer's Workflow API (``api-open/v1``) and runs the
NebulaGraph Analytics algorithm catalogue in-process.  Importing this package
is cheap: the web stack and numeric libraries load only where they are used.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
