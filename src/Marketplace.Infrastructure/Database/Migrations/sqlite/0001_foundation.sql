-- Ids are canonical lower-case UUID text (application generated, v7: text order = creation order).
-- Timestamps are fixed-width UTC text (TypeHandlers.TimestampFormat) so text order is time order.
CREATE TABLE clusters (
    id                       TEXT    NOT NULL PRIMARY KEY,
    name                     TEXT    NOT NULL,
    region_code              TEXT    NOT NULL,
    region_name              TEXT    NOT NULL,
    center_lat               REAL    NOT NULL,
    center_lon               REAL    NOT NULL,
    specializations          TEXT    NOT NULL, -- JSON array of segment prefixes
    local_sourcing_threshold REAL    NOT NULL,
    created_at               TEXT    NOT NULL
);

CREATE TABLE companies (
    id             TEXT    NOT NULL PRIMARY KEY,
    name           TEXT    NOT NULL,
    tax_id         TEXT    NOT NULL,
    roles          INTEGER NOT NULL, -- CompanyRole flags: 1 anchor, 2 supplier, 4 wholesaler
    size           TEXT    NOT NULL,
    certifications TEXT    NOT NULL, -- JSON array, upper-case, sorted ordinally
    active         INTEGER NOT NULL,
    version        INTEGER NOT NULL, -- ETag; bumped on every change
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL
);
CREATE UNIQUE INDEX ux_companies_tax_id ON companies (tax_id);

CREATE TABLE api_keys (
    id         TEXT NOT NULL PRIMARY KEY,
    key_hash   BLOB NOT NULL, -- SHA-256 of the key; the key itself is never stored
    company_id TEXT NULL REFERENCES companies (id),
    created_at TEXT NOT NULL,
    revoked_at TEXT NULL
);
CREATE UNIQUE INDEX ux_api_keys_key_hash ON api_keys (key_hash);
CREATE INDEX ix_api_keys_company ON api_keys (company_id, id);
