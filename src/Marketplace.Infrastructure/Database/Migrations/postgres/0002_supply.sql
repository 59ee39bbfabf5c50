CREATE TABLE sites (
    id          uuid             NOT NULL PRIMARY KEY,
    company_id  uuid             NOT NULL REFERENCES companies (id),
    name        text             NOT NULL,
    lat         double precision NOT NULL,
    lon         double precision NOT NULL,
    cluster_id  uuid             NULL REFERENCES clusters (id),
    region_code text             NOT NULL,
    created_at  timestamptz      NOT NULL,
    updated_at  timestamptz      NOT NULL
);
CREATE INDEX ix_sites_company ON sites (company_id, id);
CREATE INDEX ix_sites_cluster ON sites (cluster_id, company_id);

CREATE TABLE capabilities (
    id                 uuid             NOT NULL PRIMARY KEY,
    company_id         uuid             NOT NULL REFERENCES companies (id),
    site_id            uuid             NOT NULL REFERENCES sites (id),
    category_code      text             NOT NULL,
    description        text             NULL,
    capacity_per_month double precision NOT NULL,
    unit               text             NOT NULL,
    local_share        double precision NOT NULL,
    created_at         timestamptz      NOT NULL,
    updated_at         timestamptz      NOT NULL
);
CREATE INDEX ix_capabilities_company ON capabilities (company_id, id);
CREATE INDEX ix_capabilities_category ON capabilities (category_code text_pattern_ops, company_id);
CREATE INDEX ix_capabilities_site ON capabilities (site_id);

CREATE TABLE partners (
    id         uuid        NOT NULL PRIMARY KEY,
    name       text        NOT NULL,
    created_at timestamptz NOT NULL,
    deleted_at timestamptz NULL
);

CREATE TABLE partner_grants (
    company_id uuid        NOT NULL REFERENCES companies (id),
    partner_id uuid        NOT NULL REFERENCES partners (id),
    created_at timestamptz NOT NULL,
    PRIMARY KEY (company_id, partner_id)
);

ALTER TABLE api_keys ADD COLUMN partner_id uuid NULL REFERENCES partners (id);
CREATE INDEX ix_api_keys_partner ON api_keys (partner_id);

CREATE TABLE idempotency_records (
    scope_hash        bytea       NOT NULL PRIMARY KEY,
    request_hash      bytea       NULL,
    state             text        NOT NULL,
    lease_until       timestamptz NOT NULL,
    response_status   integer     NULL,
    response_type     text        NULL,
    response_body     bytea       NULL,
    response_location text        NULL,
    response_etag     text        NULL,
    secret_issued     boolean     NOT NULL DEFAULT false,
    created_at        timestamptz NOT NULL
);
CREATE INDEX ix_idempotency_created ON idempotency_records (created_at);

-- The supply change feed. token = (writing transaction's xid8 << 20) + its ordinal within that
-- transaction, so token order is transaction order, and a reader that stops below
-- pg_snapshot_xmin(pg_current_snapshot()) << 20 sees a prefix that can never grow in the middle:
-- every transaction below the watermark has ended. Nothing is skipped when transactions commit
-- out of order. (xid8 stays far below 2^43 in practice, so tokens fit a JSON-safe integer.)
CREATE TABLE changes (
    token     bigint      NOT NULL PRIMARY KEY,
    kind      text        NOT NULL,
    entity_id uuid        NOT NULL,
    at        timestamptz NOT NULL
);
