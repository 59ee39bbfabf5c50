-- Wholesaler catalog items (api.md "Catalogs"), one row per (wholesaler, sku); a binary
-- collation sorts skus ordinally. No foreign keys: the wholesaler is the authorized path company
-- and each warehouse site is checked against the wholesaler's sites while the body streams.
CREATE TABLE catalog_items (
    wholesaler_id      char(36)       COLLATE Latin1_General_BIN2 NOT NULL,
    sku                varchar(64)    COLLATE Latin1_General_BIN2 NOT NULL,
    name               nvarchar(300)  NOT NULL,
    category_code      varchar(16)    COLLATE Latin1_General_BIN2 NOT NULL,
    unit               varchar(8)     NOT NULL,
    price              decimal(38, 10) NOT NULL,
    currency           char(3)        NOT NULL,
    stock              bigint         NOT NULL,
    origin_country     char(2)        NOT NULL,
    gtin               varchar(14)    NULL,
    origin_region_code varchar(16)    NULL,
    local_share        decimal(38, 10) NULL,
    warehouse_site_id  char(36)       COLLATE Latin1_General_BIN2 NULL,
    updated_at         datetimeoffset(6) NOT NULL,
    PRIMARY KEY (wholesaler_id, sku)
);
