"""Explorer's *Community discovery* group: WCC, SCC, LPA (and CDLP), HANP, Louvain, InfoMap."""

from graphmill.engine.algorithms.community.components import SCC, WCC
from graphmill.engine.algorithms.community.infomap import INFOMAP
from graphmill.engine.algorithms.community.label_propagation import HANP, LPA
from graphmill.engine.algorithms.community.louvain import LOUVAIN

__all__ = ["SPECS"]

SPECS = (WCC, SCC, LPA, HANP, LOUVAIN, INFOMAP)
