-- Accounts mean something: roles, token revocation, owners and sharing.
-- The password stays where it is checked (the embedded store's catalog, or a cluster);
-- this table says what an account may do and which of its tokens are still good.
CREATE TABLE accounts (
    name            TEXT    PRIMARY KEY,
    role            TEXT    NOT NULL CHECK (role IN ('admin', 'user')),
    token_epoch     INTEGER NOT NULL DEFAULT 1,   -- bumped on a password change: older tokens die
    create_time_ms  INTEGER NOT NULL
);
-- The default account is the administrator, and owns everything that existed before.
INSERT INTO accounts VALUES ('root', 'admin', 1, CAST(strftime('%s','now') AS INTEGER) * 1000);
ALTER TABLE workflows ADD COLUMN owner TEXT NOT NULL DEFAULT 'root';
ALTER TABLE jobs ADD COLUMN owner TEXT NOT NULL DEFAULT 'root';
CREATE INDEX workflows_by_owner ON workflows(owner);
CREATE INDEX jobs_by_owner ON jobs(owner);

CREATE TABLE workflow_shares (
    workflow_id  INTEGER NOT NULL,
    user         TEXT    NOT NULL,
    PRIMARY KEY (workflow_id, user)
);
CREATE INDEX workflow_shares_by_user ON workflow_shares(user);
