"""How jobs show themselves in notebooks and terminals."""

from __future__ import annotations

import html

from graphmill.client.models import JobInfo, JobProgress


def job_text(info: JobInfo) -> str:
    return f"<Job {info.id} {info.name!r} of workflow {info.workflow_id}: {info.status.name.title()}>"


def progress_text(progress: JobProgress) -> str:
    running = [t for t in progress.tasks if t.phase not in ("done", "waiting")]
    now = f" {running[0].name}: {running[0].phase} {running[0].message}".rstrip() if running else ""
    return f"{progress.status.name.title()}{now}"


def job_html(info: JobInfo) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(t.name)}</td><td><code>{t.id}</code></td><td>{t.status.name.title()}</td>"
        f"<td>{html.escape(t.run_begin_time)}</td><td>{html.escape(t.run_end_time)}</td></tr>"
        for t in info.tasks or []
    )
    return (
        f"<p><b>Job {info.id}</b> {html.escape(info.name)} (workflow {html.escape(info.workflow_name)}): "
        f"<b>{info.status.name.title()}</b></p>"
        "<table><thead><tr><th>task</th><th>id</th><th>status</th><th>began</th><th>ended</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )
