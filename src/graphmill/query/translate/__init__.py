"""Translate a parsed nGQL query into one Cypher query for the space's LadybugDB database.

The store's model (see :mod:`graphmill.graphstore.ladybug_build`): one node table per tag
(primary key ``vid``), ``_vertex`` for untagged edge endpoints, one rel table per edge type
with ``_rank``; an edge hangs off its endpoints' *primary* tag rows.  So:

======================================  ==============================================
nGQL                                    Cypher
======================================  ==============================================
``(v:player)`` / ``(v)`` in MATCH       ``(v:player)`` / ``(v:player|team|…)``: every tag
                                        table, not ``_vertex`` (MATCH does not see
                                        dangling edges, as in NebulaGraph)
``-[e:follow|serve*1..3]->``            ``-[e:follow|serve* TRAIL 1..3]->`` (MATCH paths
                                        are trails, as in NebulaGraph)
``id(v)``                               ``v.vid``
``type(e)`` / ``rank(e)``               ``label(e)`` / ``e._rank``
``src(e)`` / ``dst(e)``                 the endpoint's ``vid`` (undirected patterns
                                        compare ``e._SRC`` with the left node)
``properties(v).p``, ``v.p``            ``v.p`` (NULL where no candidate table has p)
``v.player.p``, ``$$.player.p``         ``v.p``, only where ``label(v)`` is player
``GO n STEPS FROM … OVER e``            a chain of MATCHes, ``WITH DISTINCT`` frontier
                                        per step (NebulaGraph deduplicates it), WHERE
                                        and YIELD on the last step's edges
``GO m TO n STEPS``                     a walk of m-1..n-1 hops to a distinct
                                        (frontier, step), then one more edge
``FETCH PROP ON t "a", "b"``            ``UNWIND $ids`` + a primary-key MATCH per tag
``FETCH PROP ON e "a"->"b"@r``          ``UNWIND $keys`` + MATCH on src, dst and rank
``LOOKUP ON t WHERE …``                 ``MATCH (v:t) WHERE …``
``| ORDER BY $-.c | LIMIT n``           ORDER BY / SKIP / LIMIT on the projection
                                        (a pass-through WITH when they are stacked)
``stmt | GO FROM $-.c …``               the projection becomes a WITH feeding the GO
======================================  ==============================================

GO's start vertices include ``_vertex`` rows: GO, LOOKUP and FETCH see dangling edges.

Every value of the query (literals, bound placeholders, SKIP / LIMIT counts) becomes a
parameter ``$pN``; integers are cast to INT64 (LadybugDB would type a small parameter INT8
and overflow).  Only hop counts (``*1..3``, ``GO 2 STEPS``), which Cypher cannot take as
parameters, are written into the text, as integers the parser or :func:`bind` checked.
Names of tags, edge types and properties are checked against the space's schema and
back-quoted; variables and column aliases are generated.  So no text of the user's reaches
the Cypher except names that exist in the schema.  :attr:`CypherQuery.columns` holds the
nGQL names of the result columns in order.

With no schema (``space=None``) the translation still runs, assuming every name exists: the
workflow validator uses that to report what the text alone gets wrong.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from graphmill.query import ast
from graphmill.query.problems import depth_guarded
from graphmill.query.translate.emit import CypherQuery
from graphmill.query.translate.statements import Translator

if TYPE_CHECKING:
    from graphmill.graphstore.base import SpaceInfo

__all__ = ["CypherQuery", "translate"]


@depth_guarded
def translate(query: ast.Query | ast.BoundQuery, space: SpaceInfo | None) -> CypherQuery:
    """The Cypher for ``query`` on ``space`` (its schema checks the names the query uses).

    ``space=None`` checks what can be checked without a schema.  Raises
    :class:`~graphmill.query.problems.QueryError` for what the query cannot do.
    """
    tree = query if isinstance(query, ast.Query) else query.query
    return Translator(space).query(tree)
