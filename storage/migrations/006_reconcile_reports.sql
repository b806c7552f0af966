-- What each reconciliation found: Shopify's paid orders in the walked window against the sales nexsync
-- holds for them, with the order names still missing (the completeness report on /integrations).
CREATE TABLE reconcile_reports (
  id            bigserial PRIMARY KEY,
  tenant_id     bigint NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  shop_domain   text NOT NULL CHECK (length(shop_domain) BETWEEN 1 AND 255),
  run_id        bigint REFERENCES sync_runs(id) ON DELETE SET NULL,
  kind          text NOT NULL CHECK (kind IN ('reconcile', 'sweep')),
  window_from   timestamptz,            -- NULL: every order Shopify lets the app read
  window_to     timestamptz NOT NULL,   -- when the walk started
  shopify_paid  integer NOT NULL CHECK (shopify_paid >= 0),
  recorded      integer NOT NULL CHECK (recorded >= 0),
  missing       text[] NOT NULL DEFAULT '{}',
  cost_points   integer NOT NULL DEFAULT 0,     -- query cost the walk spent
  cost_cap      integer NOT NULL DEFAULT 0,     -- the most it could spend (0: uncapped)
  complete      boolean NOT NULL DEFAULT true,  -- false: the cap stopped it before the last page
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reconcile_reports_recent ON reconcile_reports (tenant_id, id DESC);

-- The incremental sweep's own mark (the daily reconcile keeps last_reconciled_at).
ALTER TABLE integrations ADD COLUMN last_swept_at timestamptz;
