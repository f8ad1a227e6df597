-- graphmill metadata, version 1.
CREATE TABLE workflows (
    id              INTEGER PRIMARY KEY,      -- random below 2^32, as Explorer's
    name            TEXT    NOT NULL,
    version         INTEGER NOT NULL,
    create_time_ms  INTEGER NOT NULL,
    update_time_ms  INTEGER NOT NULL
);
CREATE INDEX workflows_by_create ON workflows(create_time_ms);

-- Every saved version of every workflow, so a job can say exactly what it ran.
CREATE TABLE workflow_versions (
    workflow_id     INTEGER NOT NULL,
    version         INTEGER NOT NULL,
    name            TEXT    NOT NULL,
    schema          TEXT    NOT NULL,
    create_time_ms  INTEGER NOT NULL,
    PRIMARY KEY (workflow_id, version)
);

CREATE TABLE jobs (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    name              TEXT    NOT NULL,
    workflow_id       INTEGER NOT NULL,
    workflow_name     TEXT    NOT NULL,
    workflow_version  INTEGER NOT NULL,
    status            INTEGER NOT NULL,
    create_time_ms    INTEGER NOT NULL,
    begin_time_ms     INTEGER NOT NULL DEFAULT 0,
    end_time_ms       INTEGER NOT NULL DEFAULT 0,
    schema            TEXT    NOT NULL,       -- the version's schema with the job's input applied
    input             TEXT    NOT NULL,
    reason            TEXT    NOT NULL DEFAULT '',
    cancel_requested  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX jobs_by_workflow ON jobs(workflow_id, create_time_ms);
CREATE INDEX jobs_by_status ON jobs(status);
CREATE INDEX jobs_by_create ON jobs(create_time_ms);

CREATE TABLE tasks (
    id              TEXT    PRIMARY KEY,      -- 32 lowercase hex
    job_id          INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    seq             INTEGER NOT NULL,         -- position in the schema's task list
    schema_task_id  TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    type            TEXT    NOT NULL,
    status          INTEGER NOT NULL,
    begin_time_ms   INTEGER NOT NULL DEFAULT 0,
    end_time_ms     INTEGER NOT NULL DEFAULT 0,
    reason          TEXT    NOT NULL DEFAULT '',
    result_dir      TEXT    NOT NULL DEFAULT '',
    result_rows     INTEGER NOT NULL DEFAULT 0,
    result_columns  TEXT    NOT NULL DEFAULT '[]',
    note            TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX tasks_by_job ON tasks(job_id, seq);

CREATE TABLE task_logs (
    task_id   TEXT    NOT NULL,
    seq       INTEGER NOT NULL,
    time_ms   INTEGER NOT NULL,
    level     TEXT    NOT NULL,
    message   TEXT    NOT NULL,
    PRIMARY KEY (task_id, seq)
);
