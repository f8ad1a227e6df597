"""A task's result as an Arrow table, assembled from JSON pages of ``GET …/result``."""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa

PAGE_SIZE = 10000
PREVIEW_ROWS = 10


def _arrow_type(name: str) -> Any:
    import pyarrow as pa

    return {"string": pa.string(), "double": pa.float64(), "int64": pa.int64(), "bool": pa.bool_()}.get(
        name, pa.string()
    )


def table_from_pages(columns: list[str], types: list[str], pages: Iterable[list[list[Any]]]) -> pa.Table:
    """One record batch per page, so a page is converted as soon as it arrives."""
    import pyarrow as pa

    schema = pa.schema(
        [(c, _arrow_type(t)) for c, t in zip(columns, types or ["string"] * len(columns), strict=False)]
    )
    batches = [
        pa.RecordBatch.from_arrays(
            [pa.array([row[i] for row in rows], type=schema.field(i).type) for i in range(len(columns))],
            schema=schema,
        )
        for rows in pages
        if rows
    ]
    return pa.Table.from_batches(batches, schema=schema)


class Result:
    """The rows of one task: ``.table`` (pyarrow), ``.to_pandas()``, ``.to_polars()``."""

    def __init__(self, job_id: int, task_id: str, name: str, table: pa.Table) -> None:
        self.job_id = job_id
        self.task_id = task_id
        self.name = name
        self.table = table

    @property
    def columns(self) -> list[str]:
        return list(self.table.column_names)

    def __len__(self) -> int:
        return int(self.table.num_rows)

    def to_arrow(self) -> pa.Table:
        return self.table

    def to_pandas(self) -> Any:
        """A pandas DataFrame (``pip install 'graphmill[pandas]'``)."""
        return self.table.to_pandas()

    def to_polars(self) -> Any:
        """A polars DataFrame (``pip install 'graphmill[polars]'``)."""
        import polars as pl

        return pl.from_arrow(self.table)

    def to_pylist(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = self.table.to_pylist()
        return rows

    def __repr__(self) -> str:
        return f"<Result job {self.job_id} task {self.name}: {len(self)} rows, columns {self.columns}>"

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(c)}</th>" for c in self.columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row.values()) + "</tr>"
            for row in self.table.slice(0, PREVIEW_ROWS).to_pylist()
        )
        more = f"<p>… {len(self) - PREVIEW_ROWS} more rows</p>" if len(self) > PREVIEW_ROWS else ""
        return (
            f"<p><b>{html.escape(self.name)}</b> of job {self.job_id}: {len(self)} rows</p>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"
        )
