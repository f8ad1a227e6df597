"""Graph query components: the nGQL read subset of NebulaGraph, run on the embedded store.

A workflow task of type ``nebula_ngql`` holds ``spec.ngql``, an nGQL text with ``${name}``
placeholders.  The pipeline:

- :func:`parse` (``parser``): a lark grammar of the read subset; everything else (writes,
  a second statement, GET SUBGRAPH, …) is refused with a message naming it and its place.
- :func:`check_query`: the problems of a text, for the workflow validator.
- :func:`bind` (``bind``): placeholders → typed literals in the syntax tree, never in text.
- :func:`translate` (``translate``): the tree → Cypher for the space's LadybugDB database,
  every value a bound parameter.
- :func:`run_query` (``execute``): all of it, read-only, returning an Arrow table.
"""

from graphmill.query.ast import BindValue, BoundQuery
from graphmill.query.bind import bind
from graphmill.query.budget import (
    Budget,
    BudgetExceeded,
    check_query_async,
    check_query_budgeted,
    query_columns_budgeted,
)
from graphmill.query.check import check_query
from graphmill.query.execute import run_query
from graphmill.query.parser import parse
from graphmill.query.problems import QueryError
from graphmill.query.translate import CypherQuery, translate
from graphmill.query.walk import placeholders

__all__ = [
    "BindValue",
    "BoundQuery",
    "Budget",
    "BudgetExceeded",
    "CypherQuery",
    "QueryError",
    "bind",
    "check_query",
    "check_query_async",
    "check_query_budgeted",
    "parse",
    "placeholders",
    "query_columns_budgeted",
    "run_query",
    "translate",
]
