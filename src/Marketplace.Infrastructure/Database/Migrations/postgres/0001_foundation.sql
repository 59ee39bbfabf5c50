CREATE TABLE clusters (
    id                       uuid             NOT NULL PRIMARY KEY,
    name                     text             NOT NULL,
    region_code              text             NOT NULL,
    region_name              text             NOT NULL,
    center_lat               double precision NOT NULL,
    center_lon               double precision NOT NULL,
    specializations          text             NOT NULL, -- JSON array of segment prefixes
    local_sourcing_threshold double precision NOT NULL,
    created_at               timestamptz      NOT NULL
);

CREATE TABLE companies (
    id             uuid        NOT NULL PRIMARY KEY,
    name           text        NOT NULL,
    tax_id         text        NOT NULL,
    roles          integer     NOT NULL, -- CompanyRole flags: 1 anchor, 2 supplier, 4 wholesaler
    size           text        NOT NULL,
    certifications text        NOT NULL, -- JSON array, upper-case, sorted ordinally
    active         boolean     NOT NULL,
    version        integer     NOT NULL, -- ETag; bumped on every change
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL
);
CREATE UNIQUE INDEX ux_companies_tax_id ON companies (tax_id);

CREATE TABLE api_keys (
    id         uuid        NOT NULL PRIMARY KEY,
    key_hash   bytea       NOT NULL, -- SHA-256 of the key; the key itself is never stored
    company_id uuid        NULL REFERENCES companies (id),
    created_at timestamptz NOT NULL,
    revoked_at timestamptz NULL
);
CREATE UNIQUE INDEX ux_api_keys_key_hash ON api_keys (key_hash);
CREATE INDEX ix_api_keys_company ON api_keys (company_id, id);
