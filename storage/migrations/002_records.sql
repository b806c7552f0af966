-- Back-office records: inventory with its stock movements, customers, sales with their lines.
-- Every table carries tenant_id; references between records include it, so a row can only ever
-- point at a row of its own tenant.

CREATE TABLE inventory_items (
  id                         bigserial PRIMARY KEY,
  tenant_id                  bigint NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  sku                        text NOT NULL CHECK (length(sku) BETWEEN 1 AND 100),  -- case-sensitive, as Shopify's
  title                      text NOT NULL CHECK (length(title) BETWEEN 1 AND 255),
  variant_title              text NOT NULL DEFAULT '' CHECK (length(variant_title) <= 255),
  price                      numeric(12, 2) NOT NULL DEFAULT 0 CHECK (price >= 0),
  -- Only ever changed by inserting a stock movement (trigger below): always the sum of the movements.
  quantity                   bigint NOT NULL DEFAULT 0 CHECK (quantity BETWEEN -1000000000 AND 1000000000),
  shopify_product_id         text CHECK (length(shopify_product_id) <= 100),
  shopify_variant_id         text CHECK (length(shopify_variant_id) <= 100),
  shopify_inventory_item_id  text CHECK (length(shopify_inventory_item_id) <= 100),
  content_digest             text,         -- md5 of the imported fields: "unchanged" detection
  last_import_run            text,         -- the import run that last saw this SKU: "first variant wins" across pages
  last_synced_at             timestamptz,
  created_at                 timestamptz NOT NULL DEFAULT now(),
  updated_at                 timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, sku),
  UNIQUE (id, tenant_id)
);
CREATE INDEX inventory_items_title ON inventory_items (tenant_id, lower(title));

CREATE TABLE customers (
  id                            bigserial PRIMARY KEY,
  tenant_id                     bigint NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  name                          text NOT NULL DEFAULT '' CHECK (length(name) <= 200),
  email                         text CHECK (length(email) BETWEEN 3 AND 254),
  phone                         text NOT NULL DEFAULT '' CHECK (length(phone) <= 40),
  accepts_marketing             boolean NOT NULL DEFAULT false,
  marketing_consent_updated_at  timestamptz,
  marketing_consent_source      text NOT NULL DEFAULT '' CHECK (length(marketing_consent_source) <= 50),
  shopify_customer_id           text CHECK (length(shopify_customer_id) <= 100),
  content_digest                text,
  last_synced_at                timestamptz,
  created_at                    timestamptz NOT NULL DEFAULT now(),
  updated_at                    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (id, tenant_id)
);
CREATE UNIQUE INDEX customers_email_unique ON customers (tenant_id, lower(email)) WHERE email IS NOT NULL;
CREATE UNIQUE INDEX customers_shopify_unique ON customers (tenant_id, shopify_customer_id)
  WHERE shopify_customer_id IS NOT NULL;
CREATE INDEX customers_name ON customers (tenant_id, lower(name));

CREATE TABLE sales (
  id                  bigserial PRIMARY KEY,
  tenant_id           bigint NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  number              text NOT NULL CHECK (length(number) BETWEEN 1 AND 100),
  shopify_order_id    text CHECK (length(shopify_order_id) <= 100),
  shopify_order_name  text CHECK (length(shopify_order_name) <= 100),
  customer_id         bigint,
  source              text NOT NULL CHECK (source IN ('pos', 'shopify_import', 'shopify_webhook', 'reconciliation')),
  currency            text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  subtotal            numeric(14, 2) NOT NULL DEFAULT 0,
  total_tax           numeric(14, 2) NOT NULL DEFAULT 0,
  total               numeric(14, 2) NOT NULL DEFAULT 0,
  financial_status    text NOT NULL CHECK (financial_status IN ('pending', 'authorized', 'partially_paid', 'paid',
                                           'partially_refunded', 'refunded', 'voided')),
  created_at          timestamptz NOT NULL DEFAULT now(),  -- when the sale happened (Shopify's processedAt)
  recorded_at         timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, number),
  UNIQUE (id, tenant_id),
  FOREIGN KEY (customer_id, tenant_id) REFERENCES customers (id, tenant_id) ON DELETE SET NULL (customer_id)
);
-- The guard that makes importing an order (and so its stock decrement) happen once per tenant.
CREATE UNIQUE INDEX sales_shopify_order_unique ON sales (tenant_id, shopify_order_id) WHERE shopify_order_id IS NOT NULL;
CREATE UNIQUE INDEX sales_shopify_name_unique ON sales (tenant_id, shopify_order_name) WHERE shopify_order_name IS NOT NULL;
CREATE INDEX sales_recent ON sales (tenant_id, created_at DESC, id DESC);

CREATE TABLE sale_lines (
  id          bigserial PRIMARY KEY,
  tenant_id   bigint NOT NULL,
  sale_id     bigint NOT NULL,
  line_no     integer NOT NULL CHECK (line_no >= 1),
  sku         text NOT NULL DEFAULT '' CHECK (length(sku) <= 100),
  title       text NOT NULL DEFAULT '' CHECK (length(title) <= 255),
  quantity    integer NOT NULL CHECK (quantity BETWEEN 1 AND 1000000),
  unit_price  numeric(12, 2) NOT NULL DEFAULT 0,
  item_id     bigint,
  UNIQUE (sale_id, line_no),
  FOREIGN KEY (sale_id, tenant_id) REFERENCES sales (id, tenant_id) ON DELETE CASCADE,
  FOREIGN KEY (item_id, tenant_id) REFERENCES inventory_items (id, tenant_id) ON DELETE SET NULL (item_id)
);

CREATE TABLE stock_movements (
  id              bigserial PRIMARY KEY,
  tenant_id       bigint NOT NULL,
  item_id         bigint NOT NULL,
  kind            text NOT NULL CHECK (kind IN ('initial', 'adjustment', 'sale', 'import_baseline')),
  delta           bigint NOT NULL CHECK (delta BETWEEN -1000000000 AND 1000000000),
  quantity_after  bigint NOT NULL DEFAULT 0,  -- set by the trigger from the item's new quantity
  note            text NOT NULL DEFAULT '' CHECK (length(note) <= 500),
  user_id         bigint REFERENCES users(id) ON DELETE SET NULL,
  sale_id         bigint,
  created_at      timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (item_id, tenant_id) REFERENCES inventory_items (id, tenant_id) ON DELETE CASCADE,
  FOREIGN KEY (sale_id, tenant_id) REFERENCES sales (id, tenant_id) ON DELETE CASCADE,
  CHECK (kind <> 'adjustment' OR length(btrim(note)) > 0),
  CHECK ((kind = 'sale') = (sale_id IS NOT NULL))
);
CREATE INDEX stock_movements_item ON stock_movements (tenant_id, item_id, id DESC);
-- A sale decrements each of its items once, however often it is applied.
CREATE UNIQUE INDEX stock_movements_sale_once ON stock_movements (sale_id, item_id) WHERE kind = 'sale';

-- A movement applies itself to its item in the same statement (the UPDATE locks the item row, so
-- concurrent movements of one item serialize and none is lost).
CREATE FUNCTION stock_movement_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE inventory_items SET quantity = quantity + NEW.delta, updated_at = now()
   WHERE id = NEW.item_id AND tenant_id = NEW.tenant_id
  RETURNING quantity INTO NEW.quantity_after;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'stock movement for unknown item %', NEW.item_id USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER stock_movements_apply BEFORE INSERT ON stock_movements
  FOR EACH ROW EXECUTE FUNCTION stock_movement_apply();

-- The quantity is never written directly: an item starts at 0 and only movements change it.
CREATE FUNCTION inventory_quantity_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' AND NEW.quantity <> 0 THEN
    RAISE EXCEPTION 'inventory_items.quantity starts at 0; insert a stock movement' USING ERRCODE = 'check_violation';
  END IF;
  IF TG_OP = 'UPDATE' AND NEW.quantity IS DISTINCT FROM OLD.quantity AND pg_trigger_depth() < 2 THEN
    RAISE EXCEPTION 'inventory_items.quantity changes only through stock_movements' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER inventory_items_quantity_guard BEFORE INSERT OR UPDATE ON inventory_items
  FOR EACH ROW EXECUTE FUNCTION inventory_quantity_guard();
