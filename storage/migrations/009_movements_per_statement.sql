-- Stock movements apply to their items once per statement instead of once per row.
-- The row trigger ran a PL/pgSQL UPDATE for every movement (0.1 ms each, plus the guard trigger on the
-- item) and made an import's baseline movements cost ten times their insert. The same invariant holds:
-- an item's quantity is the sum of its movements, changed only by inserting one, in the same statement.

DROP TRIGGER stock_movements_apply ON stock_movements;
DROP FUNCTION stock_movement_apply();
-- "Quantity after" is the running sum of the item's movements in id order; reads compute it.
ALTER TABLE stock_movements DROP COLUMN quantity_after;

CREATE FUNCTION stock_movements_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Lock the items in id order (the order every writer locks in, so two statements cannot deadlock),
  -- then add each item's deltas. The foreign key has already refused movements of unknown items.
  PERFORM 1 FROM inventory_items i
    WHERE (i.id, i.tenant_id) IN (SELECT item_id, tenant_id FROM moved)
    ORDER BY i.id FOR UPDATE;
  UPDATE inventory_items i SET quantity = i.quantity + m.total, updated_at = now()
    FROM (SELECT item_id, tenant_id, sum(delta) AS total FROM moved GROUP BY item_id, tenant_id) m
   WHERE i.id = m.item_id AND i.tenant_id = m.tenant_id;
  RETURN NULL;
END $$;
CREATE TRIGGER stock_movements_apply AFTER INSERT ON stock_movements
  REFERENCING NEW TABLE AS moved FOR EACH STATEMENT EXECUTE FUNCTION stock_movements_apply();

-- The quantity guard now runs its function only when a row breaks the rule (WHEN is evaluated without
-- entering PL/pgSQL); the update from stock_movements_apply runs at trigger depth 1 and passes.
DROP TRIGGER inventory_items_quantity_guard ON inventory_items;
CREATE TRIGGER inventory_items_quantity_insert_guard BEFORE INSERT ON inventory_items
  FOR EACH ROW WHEN (NEW.quantity <> 0) EXECUTE FUNCTION inventory_quantity_guard();
CREATE TRIGGER inventory_items_quantity_update_guard BEFORE UPDATE OF quantity ON inventory_items
  FOR EACH ROW WHEN (NEW.quantity IS DISTINCT FROM OLD.quantity AND pg_trigger_depth() < 1)
  EXECUTE FUNCTION inventory_quantity_guard();
