-- Connections of tenants to online stores (Shopify now, WooCommerce later) and the OAuth round trips
-- that create them. Tokens are never stored in clear: sealed_config is AES-256-GCM sealed by the
-- application (crypto/seal.hpp) under key_id, with the tenant and shop as associated data.
CREATE TABLE integrations (
  id                 bigserial PRIMARY KEY,
  tenant_id          bigint NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  provider           text NOT NULL CHECK (provider IN ('shopify', 'woocommerce')),
  shop_domain        text NOT NULL CHECK (length(shop_domain) BETWEEN 1 AND 255),
  status             text NOT NULL CHECK (status IN ('connected', 'needs_reconnect', 'disconnected')),
  sealed_config      text,            -- NULL once disconnected: access + refresh tokens and their expiries
  key_id             text,            -- id of the master key that sealed sealed_config
  config_version     bigint NOT NULL DEFAULT 0,  -- bumped on every token change (optimistic refresh)
  access_expires_at  timestamptz,     -- not secret; lets a refresh be scheduled without unsealing
  granted_scopes     text NOT NULL DEFAULT '',
  location_id        text,            -- the shop's location nexsync pushes inventory to
  status_reason      text,            -- why needs_reconnect / disconnected (for the page, no secrets)
  connected_at       timestamptz,
  disconnected_at    timestamptz,
  last_synced_at     timestamptz,
  last_reconciled_at timestamptz,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  CHECK (status = 'disconnected' OR (sealed_config IS NOT NULL AND key_id IS NOT NULL))
);
-- One row per tenant and provider: reconnecting reuses it, so its history stays attached.
CREATE UNIQUE INDEX integrations_tenant_provider ON integrations (tenant_id, provider);
-- A shop belongs to at most one tenant at a time.
CREATE UNIQUE INDEX integrations_shop_active ON integrations (provider, lower(shop_domain))
  WHERE status <> 'disconnected';

-- Single-use nonces of OAuth round trips in flight (the cookie holds the nonce, the signed state names it).
CREATE TABLE oauth_flows (
  nonce_hash    text PRIMARY KEY,    -- hex sha256 of the nonce; the nonce itself is only in the browser
  tenant_id     bigint NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  provider      text NOT NULL,
  shop_domain   text NOT NULL,
  session_hash  text NOT NULL,       -- hex sha256 of the browser session that started the round trip
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL
);
CREATE INDEX oauth_flows_expires ON oauth_flows (expires_at);
