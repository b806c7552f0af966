-- Single-flight token refresh across callers and server processes. Shopify rotates refresh tokens (the
-- previous one stays valid only until the new one is used), so two processes refreshing with the same
-- refresh token can see one refused and wrongly mark the shop as needing reconnection. Whoever refreshes
-- first takes a short lease on the row (one conditional UPDATE); the others wait for config_version to
-- move and use the stored token. A lease left by a crashed process simply runs out.
ALTER TABLE integrations
  ADD COLUMN refresh_lease_until  timestamptz,  -- NULL or past: nobody is refreshing
  ADD COLUMN refresh_lease_holder text;         -- random id of the refresh holding the lease (no secret)
