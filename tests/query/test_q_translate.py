"""The Cypher the translation produces: shape, parameters, and what never reaches the text."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from graphmill.graphstore import EmbeddedGraphStore
from graphmill.graphstore.model import RANK_PROPERTY
from graphmill.query import QueryError, bind, check_query, parse, translate
from tests.query.conftest import SPACE

Cypher = Callable[..., tuple[str, dict[str, object]]]


@pytest.fixture(scope="module")
def cypher(store: EmbeddedGraphStore) -> Cypher:
    """Translate nGQL on basketballplayer: ``cypher(text, **values)`` → (text, parameters)."""
    info = store.get_space(SPACE)

    def _cypher(text: str, **values: object) -> tuple[str, dict[str, object]]:
        query = translate(bind(text, values), info)
        return query.text, query.parameters

    return _cypher


def test_literals_are_parameters(cypher: Cypher) -> None:
    """Strings and numbers of the query text go to parameters; integers are cast to INT64."""
    text, params = cypher(
        'LOOKUP ON player WHERE player.name == "Tim Duncan" AND player.age > 40 YIELD id(vertex)'
    )
    assert "Tim Duncan" not in text
    assert "40" not in text
    assert sorted(params.values(), key=str) == [40, "Tim Duncan"]
    assert re.search(r"CAST\(\$p\d+ AS INT64\)", text)


def test_skip_and_limit_are_parameters(cypher: Cypher) -> None:
    """SKIP and LIMIT counts are parameters too."""
    text, params = cypher("MATCH (v:player) RETURN id(v) AS id ORDER BY id SKIP 7 LIMIT 9")
    assert re.search(r"SKIP \$p\d+ LIMIT \$p\d+", text)
    assert {7, 9} <= set(params.values())


def test_go_steps_deduplicate_the_frontier(cypher: Cypher) -> None:
    """GO 3 STEPS is a chain with a WITH DISTINCT frontier between steps."""
    text, _ = cypher('GO 3 STEPS FROM "player100" OVER follow YIELD dst(edge)')
    assert text.count("WITH DISTINCT") == 2
    assert text.count("MATCH") == 4


def test_match_variable_length_is_a_trail(cypher: Cypher) -> None:
    """Variable-length MATCH edges use TRAIL semantics."""
    text, _ = cypher("MATCH (v:player)-[e:follow*1..3]->(w) RETURN id(w)")
    assert "* TRAIL 1..3" in text


def test_unlabelled_match_node_skips_untagged_vertices(cypher: Cypher) -> None:
    """An unlabelled MATCH node lists every tag table (not _vertex); a GO start does not."""
    text, _ = cypher("MATCH (v)-[e]->(w) RETURN id(w)")
    assert ":`player`|`team`" in text
    text, _ = cypher('GO FROM "player100" OVER follow YIELD dst(edge)')
    assert "player`|" not in text


def test_names_are_back_quoted(cypher: Cypher) -> None:
    """Tags, edge types and properties are back-quoted; rank is the model's rank column."""
    text, _ = cypher('GO FROM "player100" OVER serve YIELD serve.start_year, rank(edge)')
    assert ":`serve`" in text
    assert ".`start_year`" in text
    assert f".`{RANK_PROPERTY}`" in text


def test_columns_are_the_ngql_names(store: EmbeddedGraphStore) -> None:
    """CypherQuery.columns lists the nGQL column names in order."""
    query = translate(
        parse('GO FROM "a" OVER follow YIELD dst(edge), follow.degree AS d'), store.get_space(SPACE)
    )
    assert query.columns == ("dst(EDGE)", "d")


def test_nesting_and_length_limits() -> None:
    """Absurdly nested or long texts are refused, not crashed on."""
    assert check_query("RETURN " + "(" * 3000 + "1" + ")" * 3000, []) == ["the query is nested too deeply"]
    with pytest.raises(QueryError, match="longer than"):
        parse("RETURN 1" + " " * 1_000_001)


def test_lookup_kind_without_a_schema() -> None:
    """Without a schema, LOOKUP ON x is taken as an edge type when the YIELD uses edge."""
    assert check_query("LOOKUP ON follow YIELD src(edge), rank(edge)", []) == []
    assert check_query("LOOKUP ON player YIELD id(vertex)", []) == []
