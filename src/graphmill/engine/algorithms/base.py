"""The one declaration of each algorithm: parameters, outputs and the function that runs it.

Validation, the JSON schema published to clients, the docs and the runner all read the
same :class:`AlgorithmSpec`.

Parameter values
    Explorer stores option values as strings (``"10"``, ``"true"``, ``"0.85"``); clients
    may send numbers.  :meth:`AlgorithmSpec.parse_params` accepts both: ints from ``10``,
    ``"10"`` or ``10.0``; floats from numbers or numeric strings (finite only); bools from
    ``true``/``false``/``1``/``0`` (any case) or JSON booleans; string choices match
    case-insensitively and come back in their canonical spelling; ``vid`` values are kept
    as strings (the vertex-id type is known only once the graph is loaded); ``vid_list``
    accepts a comma-separated string or a JSON list.  An empty string or ``null`` counts as
    "not given" (an unfilled ``${param}`` placeholder), so the default applies.

Keys
    Parameter names match case-insensitively.  Every algorithm also declares NA's
    run-control keys (:data:`RUN_CONTROL_PARAMS`: ``processes``, ``threads``,
    ``clusterSize``, …), which the canvas writes on every task.  Keys that configure data
    access (:data:`EXECUTION_KEYS`, and any key starting with ``nebula_``) are not
    parameters and pass silently; any other key is kept and ignored, and
    :meth:`AlgorithmSpec.ignored_keys` names it so the task log can say so.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from graphmill import errors
from graphmill.engine.base import Progress
from graphmill.engine.graph import Graph
from graphmill.types import JSONValue

__all__ = [
    "EXECUTION_KEYS",
    "RUN_CONTROL_PARAMS",
    "AlgorithmSpec",
    "FloatFormat",
    "OutputColumn",
    "ParamKind",
    "ParamSpec",
    "Params",
]

ParamKind = Literal["int", "float", "bool", "string", "vid", "vid_list"]
OutputType = Literal["vid", "int64", "double", "string"]
FloatFormat = Literal["fixed6", "roundtrip"]
Params = Mapping[str, Any]

#: Keys of an Explorer task ``spec`` that configure execution or data access rather than
#: the algorithm; :meth:`AlgorithmSpec.parse_params` ignores them (as it ignores every
#: ``nebula_*`` key).
EXECUTION_KEYS: frozenset[str] = frozenset(
    {
        "vtype",
        "vid_type",
        "space",
        "graphd",
        "user",
        "cluster_size",
        "machine_num",
        "machines",
        "input",
        "output",
        "hdfs_path",
        "hdfsname",
        "hdfspath",
        "url",
        "type_of_data",
        "engine",
    }
)
_IGNORED_PREFIXES = ("nebula_",)

_BOOL_WORDS = {"true": True, "false": False, "1": True, "0": False}


@dataclass(frozen=True, slots=True)
class ParamSpec:
    """One algorithm parameter.

    Attributes:
        name: lower-case NA name (``iterations``, ``is_directed``, …).
        kind: value type.
        default: value used when the parameter is not given (``None``: no value).
        minimum, maximum: inclusive range for numbers.
        exclusive_minimum: make ``minimum`` exclusive (``eps > 0``).
        choices: allowed values (strings: matched case-insensitively).
        special: values allowed outside ``minimum``/``maximum`` (``step = -1``).
        required: the parameter must be given.
        doc: one-line description.
        check: extra validation of the converted value (raises ``ValueError``).
    """

    name: str
    kind: ParamKind
    default: Any = None
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    choices: tuple[Any, ...] | None = None
    special: tuple[Any, ...] = ()
    required: bool = False
    doc: str = ""
    check: Callable[[Any], None] | None = field(default=None, compare=False)

    def parse(self, raw: Any) -> Any:
        """Convert and check one given value; raise ``ValueError`` with the reason."""
        value = self._parse(raw)
        if self.check is not None:
            self.check(value)
        return value

    def _parse(self, raw: Any) -> Any:
        value = _convert(self.kind, raw)
        if self.choices is not None:
            if isinstance(value, str):
                for choice in self.choices:
                    if isinstance(choice, str) and choice.lower() == value.lower():
                        return choice
            elif value in self.choices:
                return value
            allowed = ", ".join(str(c) for c in self.choices)
            raise ValueError(f"must be one of {allowed}; got {raw!r}")
        if value in self.special:
            return value
        if self.kind == "int" and not -MAX_INT64 <= value <= MAX_INT64:
            raise ValueError(f"must be at most {MAX_INT64}; got a {len(str(abs(value)))}-digit number")
        if isinstance(value, int | float) and not isinstance(value, bool):
            if self.minimum is not None:
                if self.exclusive_minimum and not value > self.minimum:
                    raise ValueError(f"must be greater than {_num(self.minimum)}; got {raw!r}")
                if not self.exclusive_minimum and value < self.minimum:
                    raise ValueError(
                        f"must be at least {_num(self.minimum)}{self._special_text()}; got {raw!r}"
                    )
            if self.maximum is not None and value > self.maximum:
                raise ValueError(f"must be at most {_num(self.maximum)}; got {raw!r}")
        return value

    def _special_text(self) -> str:
        if not self.special:
            return ""
        return " or " + " or ".join(str(v) for v in self.special)

    def json_schema(self) -> dict[str, JSONValue]:
        """JSON Schema (2020-12) of this parameter's canonical value."""
        schema: dict[str, JSONValue] = {}
        if self.kind == "int":
            schema["type"] = "integer"
        elif self.kind == "float":
            schema["type"] = "number"
        elif self.kind == "bool":
            schema["type"] = "boolean"
        elif self.kind == "string":
            schema["type"] = "string"
        elif self.kind == "vid":
            schema["type"] = ["string", "integer"]
        else:
            schema["type"] = ["string", "array"]
            schema["items"] = {"type": ["string", "integer"]}
        if self.choices is not None:
            schema["enum"] = list(self.choices)
        range_schema: dict[str, JSONValue] = {}
        if self.minimum is not None:
            range_schema["exclusiveMinimum" if self.exclusive_minimum else "minimum"] = _num(self.minimum)
        if self.maximum is not None:
            range_schema["maximum"] = _num(self.maximum)
        if self.special and range_schema:
            alternatives: list[JSONValue] = [{"const": v} for v in self.special]
            alternatives.append(range_schema)
            schema["anyOf"] = alternatives
        else:
            schema.update(range_schema)
        if self.default is not None:
            schema["default"] = self.default
        if self.doc:
            schema["description"] = self.doc
        return schema


#: How NA runs an algorithm (its run scripts' WNUM/WCORES, Explorer's execution settings).
#: Declared on every algorithm; graphmill runs a task in one worker process, so they do not
#: change a result.
RUN_CONTROL_PARAMS: tuple[ParamSpec, ...] = (
    ParamSpec("processes", "int", None, minimum=1, doc="NA: total processes, split across the machines"),
    ParamSpec("threads", "int", None, minimum=1, doc="NA: threads per process"),
    ParamSpec(
        "clusterSize", "int", None, minimum=1, doc="Explorer's machine num: machines that run the task"
    ),
    ParamSpec("need_encode", "bool", None, doc="NA: encode vertex ids before computing"),
    ParamSpec("encoder", "string", None, choices=("distributed", "single"), doc="NA: how ids are encoded"),
)


_RUN_CONTROL_NAMES = frozenset(p.name for p in RUN_CONTROL_PARAMS)


def _num(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


#: Upper bounds for loop counts: far beyond any useful run, far below "never ends".
MAX_ITERATIONS = 10_000_000
#: Upper bound for counts and sizes (samples, core numbers, communities listed).
MAX_COUNT = 2**31 - 1
#: Every integer parameter fits a signed 64-bit integer, whatever its declared range.
MAX_INT64 = 2**63 - 1


def _convert(kind: ParamKind, raw: Any) -> Any:
    if kind == "int":
        return _to_int(raw)
    if kind == "float":
        return _to_float(raw)
    if kind == "bool":
        return _to_bool(raw)
    if kind == "string":
        if isinstance(raw, str):
            return raw.strip()
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            return str(raw)
        raise ValueError(f"must be a string; got {raw!r}")
    if kind == "vid":
        return _to_vid(raw)
    return _to_vid_list(raw)


def _to_int(raw: Any) -> int:
    if isinstance(raw, bool):
        raise ValueError(f"must be an integer; got {raw!r}")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str):
        text = raw.strip()
        try:
            return int(text)
        except ValueError:  # not an integer, or over Python's 4,300-digit conversion limit
            pass
        try:
            as_float = float(text)
        except ValueError:
            as_float = math.nan
        if math.isfinite(as_float) and as_float.is_integer():
            return int(as_float)
    shown = repr(raw) if len(repr(raw)) <= 40 else repr(raw)[:40] + "…"
    raise ValueError(f"must be an integer; got {shown}")


def _to_float(raw: Any) -> float:
    if isinstance(raw, bool):
        raise ValueError(f"must be a number; got {raw!r}")
    if isinstance(raw, int | float):
        value = float(raw)
    elif isinstance(raw, str):
        try:
            value = float(raw.strip())
        except ValueError:
            raise ValueError(f"must be a number; got {raw!r}") from None
    else:
        raise ValueError(f"must be a number; got {raw!r}")
    if not math.isfinite(value):
        raise ValueError(f"must be a finite number; got {raw!r}")
    return value


def _to_bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int) and raw in (0, 1):
        return bool(raw)
    if isinstance(raw, str) and raw.strip().lower() in _BOOL_WORDS:
        return _BOOL_WORDS[raw.strip().lower()]
    raise ValueError(f"must be true or false; got {raw!r}")


def _to_vid(raw: Any) -> str:
    if isinstance(raw, bool):
        raise ValueError(f"must be a vertex id; got {raw!r}")
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, str):
        return raw.strip()
    raise ValueError(f"must be a vertex id; got {raw!r}")


def _to_vid_list(raw: Any) -> list[str]:
    if isinstance(raw, str):
        items = [part.strip() for part in raw.split(",")]
        return [item for item in items if item]
    if isinstance(raw, list | tuple):
        return [_to_vid(item) for item in raw if not (isinstance(item, str) and not item.strip())]
    raise ValueError(f"must be a comma-separated list of vertex ids; got {raw!r}")


def _is_ignored(key: str) -> bool:
    lowered = key.lower()
    return lowered in EXECUTION_KEYS or lowered.startswith(_IGNORED_PREFIXES)


@dataclass(frozen=True, slots=True)
class OutputColumn:
    """One result column: its NA name and type (``vid`` = the graph's vertex-id type)."""

    name: str
    dtype: OutputType


RunFn = Callable[[Graph, Params, Progress], Any]


@dataclass(frozen=True, slots=True)
class AlgorithmSpec:
    """Everything graphmill knows about one algorithm.

    Attributes:
        type: task type id (``analytics_pagerank``).
        name: display name (``PageRank``), the component name Explorer shows.
        group: Explorer palette group (``nodeImportance``, ``path``, ``communityDiscovery``).
        params: parameter declarations, in display order.
        needs_weight: whether the graph must be loaded with edge weights.
        output_columns: result columns for given (parsed) parameters.
        run: ``run(graph, params, progress) -> pyarrow.Table`` over parsed parameters.
        doc: one paragraph for the catalogue.
    """

    type: str
    name: str
    group: str
    params: tuple[ParamSpec, ...]
    needs_weight: bool
    output_columns: Callable[[Params], list[OutputColumn]]
    run: RunFn
    doc: str = ""
    _by_name: dict[str, ParamSpec] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        own = {param.name.lower() for param in self.params}
        params = self.params + tuple(p for p in RUN_CONTROL_PARAMS if p.name.lower() not in own)
        object.__setattr__(self, "params", params)
        by_name = {param.name.lower(): param for param in self.params}
        if len(by_name) != len(self.params):
            raise ValueError(f"{self.type}: duplicate parameter names")
        object.__setattr__(self, "_by_name", by_name)

    def param(self, name: str) -> ParamSpec:
        """The declaration of one parameter (``KeyError`` if there is none)."""
        return self._by_name[name.lower()]

    def parse_params(self, raw: Mapping[str, object]) -> dict[str, Any]:
        """Parse, default and check raw parameter values; collect every problem.

        Raises:
            errors.ParamError: ``data`` lists ``{"field": …, "reason": …}`` per problem.
        """
        problems: list[JSONValue] = []
        given: dict[str, Any] = {}
        for key, value in raw.items():
            param = self._by_name.get(str(key).lower())
            if param is None:  # kept in the spec, named in the task log by ignored_keys()
                continue
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            try:
                given[param.name] = param.parse(value)
            except ValueError as exc:
                problems.append({"field": param.name, "reason": str(exc)})
        parsed: dict[str, Any] = {}
        for param in self.params:
            if param.name in given:
                parsed[param.name] = given[param.name]
            elif param.name in _RUN_CONTROL_NAMES:
                continue  # not given: nothing to say, and no kernel reads them
            elif param.required:
                if not any(isinstance(p, dict) and p.get("field") == param.name for p in problems):
                    problems.append({"field": param.name, "reason": "required"})
            else:
                parsed[param.name] = param.default
        if problems:
            raise errors.ParamError("invalid parameters", data=problems)
        return parsed

    def ignored_keys(self, raw: Mapping[str, object]) -> list[str]:
        """Keys of ``raw`` that are neither parameters nor data-access keys: kept, but unused."""
        return [str(k) for k in raw if str(k).lower() not in self._by_name and not _is_ignored(str(k))]

    def json_schema(self) -> dict[str, JSONValue]:
        """JSON Schema (draft 2020-12) of this algorithm's parameter object."""
        properties: dict[str, JSONValue] = {p.name: p.json_schema() for p in self.params}
        ignored = "|".join(sorted(EXECUTION_KEYS))
        schema: dict[str, JSONValue] = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"urn:graphmill:algorithm:{self.type}",
            "title": self.name,
            "type": "object",
            "properties": properties,
            "required": [p.name for p in self.params if p.required],
            "patternProperties": {f"^(?:{ignored})$": {}, "^nebula_": {}},
            # Other keys are kept and ignored (logged), as Explorer's canvas writes more than these.
            "additionalProperties": True,
        }
        if self.doc:
            schema["description"] = self.doc
        return schema

    def directed(self, params: Params) -> bool:
        """Whether the graph is to be loaded directed (NA ``is_directed``, default true)."""
        return bool(params.get("is_directed", True))

    def float_format(self, params: Params) -> FloatFormat:
        """How doubles are written to CSV: NA's six decimals, or full precision for Graphalytics."""
        return "roundtrip" if params.get("variant") == "graphalytics" else "fixed6"
