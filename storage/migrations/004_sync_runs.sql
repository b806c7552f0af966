-- Every sync run (button, cron, webhook apply) with its counts, and the rows it skipped with why.
CREATE TABLE sync_runs (
  id           bigserial PRIMARY KEY,
  tenant_id    bigint NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  direction    text NOT NULL,
  trigger      text NOT NULL,
  status       text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed')),
  synced       integer NOT NULL DEFAULT 0,
  skipped      integer NOT NULL DEFAULT 0,
  failed       integer NOT NULL DEFAULT 0,
  total        integer,
  error        text,
  started_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz
);
CREATE INDEX sync_runs_tenant_recent ON sync_runs (tenant_id, id DESC);

CREATE TABLE sync_skips (
  run_id     bigint NOT NULL REFERENCES sync_runs(id) ON DELETE CASCADE,
  tenant_id  bigint NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  item_key   text NOT NULL,   -- SKU, email, order name or Shopify id: what a person recognises
  reason     text NOT NULL
);
CREATE INDEX sync_skips_run ON sync_skips (tenant_id, run_id);
