-- Ids are char(36) with a binary collation, not uniqueidentifier: SQL Server sorts
-- uniqueidentifier by its last bytes first, and the API pages and breaks ties by the
-- lower-case id string.
CREATE TABLE clusters (
    id                       char(36)       COLLATE Latin1_General_BIN2 NOT NULL PRIMARY KEY,
    name                     nvarchar(300)  NOT NULL,
    region_code              varchar(16)    NOT NULL,
    region_name              nvarchar(300)  NOT NULL,
    center_lat               float          NOT NULL,
    center_lon               float          NOT NULL,
    specializations          nvarchar(max)  NOT NULL,
    local_sourcing_threshold float          NOT NULL,
    created_at               datetimeoffset(6) NOT NULL
);

CREATE TABLE companies (
    id             char(36)      COLLATE Latin1_General_BIN2 NOT NULL PRIMARY KEY,
    name           nvarchar(300) NOT NULL,
    tax_id         varchar(12)   NOT NULL,
    roles          int           NOT NULL,
    size           varchar(16)   NOT NULL,
    certifications nvarchar(max) NOT NULL,
    active         bit           NOT NULL,
    version        int           NOT NULL,
    created_at     datetimeoffset(6) NOT NULL,
    updated_at     datetimeoffset(6) NOT NULL
);
CREATE UNIQUE INDEX ux_companies_tax_id ON companies (tax_id);

CREATE TABLE api_keys (
    id         char(36)     COLLATE Latin1_General_BIN2 NOT NULL PRIMARY KEY,
    key_hash   varbinary(32) NOT NULL,
    company_id char(36)     COLLATE Latin1_General_BIN2 NULL REFERENCES companies (id),
    created_at datetimeoffset(6) NOT NULL,
    revoked_at datetimeoffset(6) NULL
);
CREATE UNIQUE INDEX ux_api_keys_key_hash ON api_keys (key_hash);
CREATE INDEX ix_api_keys_company ON api_keys (company_id, id);
