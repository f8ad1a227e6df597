-- Operating jobs: reruns, safe resubmission, progress that survives, webhooks.
ALTER TABLE jobs ADD COLUMN rerun_of INTEGER;                 -- the job this one reran
ALTER TABLE jobs ADD COLUMN idempotency_key TEXT;
ALTER TABLE jobs ADD COLUMN webhook TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX jobs_by_idempotency_key ON jobs(workflow_id, idempotency_key) WHERE idempotency_key IS NOT NULL;

ALTER TABLE workflows ADD COLUMN webhook TEXT NOT NULL DEFAULT '';

-- A task of a rerun that kept the result of the job it reran.
ALTER TABLE tasks ADD COLUMN reused_from TEXT NOT NULL DEFAULT '';
-- Memory the task was estimated to need, and what its worker peaked at (bytes).
ALTER TABLE tasks ADD COLUMN estimated_bytes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN peak_bytes INTEGER NOT NULL DEFAULT 0;

CREATE TABLE webhook_deliveries (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id       INTEGER NOT NULL,
    url          TEXT    NOT NULL,
    attempt      INTEGER NOT NULL,
    time_ms      INTEGER NOT NULL,
    status_code  INTEGER NOT NULL DEFAULT 0,
    error        TEXT    NOT NULL DEFAULT '',
    delivered    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX webhook_deliveries_by_job ON webhook_deliveries(job_id, id);
