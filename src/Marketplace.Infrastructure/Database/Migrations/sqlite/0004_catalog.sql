-- Wholesaler catalog items (api.md "Catalogs"), one row per (wholesaler, sku); BINARY collation
-- sorts skus ordinally. Decimals are stored as canonical text (no trailing zeros), so text
-- equality is equality by value. No foreign keys: the wholesaler is the authorized path company
-- and each warehouse site is checked against the wholesaler's sites while the body streams.
CREATE TABLE catalog_items (
    wholesaler_id      TEXT    NOT NULL,
    sku                TEXT    NOT NULL,
    name               TEXT    NOT NULL,
    category_code      TEXT    NOT NULL,
    unit               TEXT    NOT NULL,
    price              TEXT    NOT NULL,
    currency           TEXT    NOT NULL,
    stock              INTEGER NOT NULL,
    origin_country     TEXT    NOT NULL,
    gtin               TEXT    NULL,
    origin_region_code TEXT    NULL,
    local_share        TEXT    NULL,
    warehouse_site_id  TEXT    NULL,
    updated_at         TEXT    NOT NULL,
    PRIMARY KEY (wholesaler_id, sku)
) WITHOUT ROWID;
