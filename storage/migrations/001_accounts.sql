-- Tenants, their users and browser sessions.
CREATE TABLE tenants (
  id          bigserial PRIMARY KEY,
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
  id             bigserial PRIMARY KEY,
  tenant_id      bigint NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  email          text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
  role           text NOT NULL CHECK (role IN ('owner', 'integration_manager', 'staff')),
  password_hash  text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now()
);
-- One login per email address across the service: the login form asks for nothing else.
CREATE UNIQUE INDEX users_email_unique ON users (lower(email));
CREATE INDEX users_tenant ON users (tenant_id);

CREATE TABLE sessions (
  token_hash          bytea PRIMARY KEY,           -- sha256 of the cookie value; the value itself is never stored
  user_id             bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  tenant_id           bigint NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  csrf_token          text NOT NULL,
  created_at          timestamptz NOT NULL DEFAULT now(),
  last_seen_at        timestamptz NOT NULL DEFAULT now(),
  absolute_expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
