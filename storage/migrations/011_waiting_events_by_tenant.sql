-- A shop's connection reads its waiting order events oldest first, a page at a time (LIMIT). Keyed by id
-- alone, the partial index made PostgreSQL combine it with the tenant index and sort every waiting event
-- of the tenant for each page: 5.1 ms a page with 4,000 waiting (EXPLAIN ANALYZE on a bench database),
-- growing with the backlog, and 1.1 s of PostgreSQL's time in a webhooks run. Keyed by tenant first, a
-- page is a range scan that stops after its rows (0.12 ms). Start-up replay still reads only these rows.
DROP INDEX webhook_events_unapplied;
CREATE INDEX webhook_events_unapplied ON webhook_events (tenant_id, id) WHERE status = 'received';
