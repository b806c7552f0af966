-- An item created by an import is inserted at Shopify's quantity, and the insert itself records that
-- quantity as the item's "import_baseline" movement. Before, the item was inserted at 0 and the
-- movement's trigger then updated it: every imported item was written twice (the update not HOT, the
-- page being full, so every index entry twice too), which was a third of an import's time in
-- PostgreSQL. The invariant is unchanged: an item's quantity is the sum of its movements, both written
-- by the same statement.

CREATE FUNCTION inventory_items_record_baseline() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO stock_movements (tenant_id, item_id, kind, delta, note)
  SELECT b.tenant_id, b.id, 'import_baseline', b.quantity, 'Quantity imported from Shopify'
    FROM born b WHERE b.quantity <> 0 ORDER BY b.id;
  RETURN NULL;
END $$;
CREATE TRIGGER inventory_items_record_baseline AFTER INSERT ON inventory_items
  REFERENCING NEW TABLE AS born FOR EACH STATEMENT EXECUTE FUNCTION inventory_items_record_baseline();

-- Only an imported item (one naming its import run) may start at a quantity other than 0; any other
-- starts at 0 and gets its stock by a movement, as before.
DROP TRIGGER inventory_items_quantity_insert_guard ON inventory_items;
CREATE FUNCTION inventory_items_opening_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'inventory_items.quantity starts at 0 unless imported; insert a stock movement'
    USING ERRCODE = 'check_violation';
END $$;
CREATE TRIGGER inventory_items_quantity_insert_guard BEFORE INSERT ON inventory_items
  FOR EACH ROW WHEN (NEW.quantity <> 0 AND NEW.last_import_run IS NULL)
  EXECUTE FUNCTION inventory_items_opening_guard();

-- Baseline movements are written only by the trigger above (at trigger depth 1), and are already in
-- their item's quantity: stock_movements_apply leaves them out.
CREATE FUNCTION stock_movements_baseline_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'import_baseline movements are recorded by inserting the imported item at its quantity'
    USING ERRCODE = 'check_violation';
END $$;
CREATE TRIGGER stock_movements_baseline_guard BEFORE INSERT ON stock_movements
  FOR EACH ROW WHEN (NEW.kind = 'import_baseline' AND pg_trigger_depth() < 1)
  EXECUTE FUNCTION stock_movements_baseline_guard();

CREATE OR REPLACE FUNCTION stock_movements_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Lock the items in id order (the order every writer locks in, so two statements cannot deadlock),
  -- then add each item's deltas. The foreign key has already refused movements of unknown items.
  PERFORM 1 FROM inventory_items i
    WHERE (i.id, i.tenant_id) IN (SELECT item_id, tenant_id FROM moved WHERE kind <> 'import_baseline')
    ORDER BY i.id FOR UPDATE;
  UPDATE inventory_items i SET quantity = i.quantity + m.total, updated_at = now()
    FROM (SELECT item_id, tenant_id, sum(delta) AS total FROM moved WHERE kind <> 'import_baseline'
          GROUP BY item_id, tenant_id) m
   WHERE i.id = m.item_id AND i.tenant_id = m.tenant_id;
  RETURN NULL;
END $$;
