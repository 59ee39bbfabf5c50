CREATE TABLE sites (
    id          TEXT NOT NULL PRIMARY KEY,
    company_id  TEXT NOT NULL REFERENCES companies (id),
    name        TEXT NOT NULL,
    lat         REAL NOT NULL,
    lon         REAL NOT NULL,
    cluster_id  TEXT NULL REFERENCES clusters (id),
    region_code TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX ix_sites_company ON sites (company_id, id);
CREATE INDEX ix_sites_cluster ON sites (cluster_id, company_id);

CREATE TABLE capabilities (
    id                 TEXT NOT NULL PRIMARY KEY,
    company_id         TEXT NOT NULL REFERENCES companies (id),
    site_id            TEXT NOT NULL REFERENCES sites (id),
    category_code      TEXT NOT NULL,
    description        TEXT NULL,
    capacity_per_month REAL NOT NULL,
    unit               TEXT NOT NULL,
    local_share        REAL NOT NULL,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
CREATE INDEX ix_capabilities_company ON capabilities (company_id, id);
CREATE INDEX ix_capabilities_category ON capabilities (category_code, company_id);
CREATE INDEX ix_capabilities_site ON capabilities (site_id);

CREATE TABLE partners (
    id         TEXT NOT NULL PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    deleted_at TEXT NULL
);

CREATE TABLE partner_grants (
    company_id TEXT NOT NULL REFERENCES companies (id),
    partner_id TEXT NOT NULL REFERENCES partners (id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (company_id, partner_id)
);

ALTER TABLE api_keys ADD COLUMN partner_id TEXT NULL REFERENCES partners (id);
CREATE INDEX ix_api_keys_partner ON api_keys (partner_id);

-- Idempotency-Key records (api.md): one per (key, on-behalf-of, method, path+query, Idempotency-Key),
-- identified by the SHA-256 of that scope.
CREATE TABLE idempotency_records (
    scope_hash        BLOB    NOT NULL PRIMARY KEY,
    request_hash      BLOB    NULL, -- SHA-256 of the body; null until a streamed body has ended
    state             TEXT    NOT NULL, -- running | done
    lease_until       TEXT    NOT NULL,
    response_status   INTEGER NULL,
    response_type     TEXT    NULL,
    response_body     BLOB    NULL,
    response_location TEXT    NULL,
    response_etag     TEXT    NULL,
    secret_issued     INTEGER NOT NULL DEFAULT 0,
    created_at        TEXT    NOT NULL
);
CREATE INDEX ix_idempotency_created ON idempotency_records (created_at);

-- The supply change feed. SQLite has one writer at a time, so tokens commit in order.
CREATE TABLE changes (
    token     INTEGER PRIMARY KEY AUTOINCREMENT,
    kind      TEXT NOT NULL, -- site | capability | company | catalog
    entity_id TEXT NOT NULL,
    at        TEXT NOT NULL
);
