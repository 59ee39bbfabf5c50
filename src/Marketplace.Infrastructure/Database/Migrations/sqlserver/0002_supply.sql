CREATE TABLE sites (
    id          char(36)      COLLATE Latin1_General_BIN2 NOT NULL PRIMARY KEY,
    company_id  char(36)      COLLATE Latin1_General_BIN2 NOT NULL REFERENCES companies (id),
    name        nvarchar(300) NOT NULL,
    lat         float         NOT NULL,
    lon         float         NOT NULL,
    cluster_id  char(36)      COLLATE Latin1_General_BIN2 NULL REFERENCES clusters (id),
    region_code varchar(16)   NOT NULL,
    created_at  datetimeoffset(6) NOT NULL,
    updated_at  datetimeoffset(6) NOT NULL
);
CREATE INDEX ix_sites_company ON sites (company_id, id);
CREATE INDEX ix_sites_cluster ON sites (cluster_id, company_id);

CREATE TABLE capabilities (
    id                 char(36)       COLLATE Latin1_General_BIN2 NOT NULL PRIMARY KEY,
    company_id         char(36)       COLLATE Latin1_General_BIN2 NOT NULL REFERENCES companies (id),
    site_id            char(36)       COLLATE Latin1_General_BIN2 NOT NULL REFERENCES sites (id),
    category_code      varchar(16)    COLLATE Latin1_General_BIN2 NOT NULL,
    description        nvarchar(2000) NULL,
    capacity_per_month float          NOT NULL,
    unit               varchar(8)     NOT NULL,
    local_share        float          NOT NULL,
    created_at         datetimeoffset(6) NOT NULL,
    updated_at         datetimeoffset(6) NOT NULL
);
CREATE INDEX ix_capabilities_company ON capabilities (company_id, id);
CREATE INDEX ix_capabilities_category ON capabilities (category_code, company_id);
CREATE INDEX ix_capabilities_site ON capabilities (site_id);

CREATE TABLE partners (
    id         char(36)      COLLATE Latin1_General_BIN2 NOT NULL PRIMARY KEY,
    name       nvarchar(300) NOT NULL,
    created_at datetimeoffset(6) NOT NULL,
    deleted_at datetimeoffset(6) NULL
);

CREATE TABLE partner_grants (
    company_id char(36) COLLATE Latin1_General_BIN2 NOT NULL REFERENCES companies (id),
    partner_id char(36) COLLATE Latin1_General_BIN2 NOT NULL REFERENCES partners (id),
    created_at datetimeoffset(6) NOT NULL,
    PRIMARY KEY (company_id, partner_id)
);

ALTER TABLE api_keys ADD partner_id char(36) COLLATE Latin1_General_BIN2 NULL REFERENCES partners (id);
CREATE INDEX ix_api_keys_partner ON api_keys (partner_id);

CREATE TABLE idempotency_records (
    scope_hash        varbinary(32)  NOT NULL PRIMARY KEY,
    request_hash      varbinary(32)  NULL,
    state             varchar(16)    NOT NULL,
    lease_until       datetimeoffset(6) NOT NULL,
    response_status   int            NULL,
    response_type     varchar(100)   NULL,
    response_body     varbinary(max) NULL,
    response_location nvarchar(1000) NULL,
    response_etag     varchar(100)   NULL,
    secret_issued     bit            NOT NULL DEFAULT 0,
    created_at        datetimeoffset(6) NOT NULL
);
CREATE INDEX ix_idempotency_created ON idempotency_records (created_at);

-- The supply change feed: rowversion with MIN_ACTIVE_ROWVERSION() as the watermark, so a
-- reader never passes a change whose transaction has not ended.
CREATE TABLE changes (
    token     rowversion NOT NULL,
    kind      varchar(16) NOT NULL,
    entity_id char(36) COLLATE Latin1_General_BIN2 NOT NULL,
    at        datetimeoffset(6) NOT NULL,
    CONSTRAINT pk_changes PRIMARY KEY (token)
);
