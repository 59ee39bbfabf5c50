-- Wholesaler catalog items (api.md "Catalogs"), one row per (wholesaler, sku). An import upserts
-- them in one transaction through a staging table; `sku` sorts ordinally (COLLATE "C"), as the
-- API lists items. No foreign keys: the wholesaler is the authorized path company and each
-- warehouse site is checked against the wholesaler's sites while the body streams, so the bulk
-- path does not pay a per-row trigger for checks already made (companies and sites are never
-- deleted).
CREATE TABLE catalog_items (
    wholesaler_id      uuid        NOT NULL,
    sku                text        COLLATE "C" NOT NULL,
    name               text        NOT NULL,
    category_code      text        COLLATE "C" NOT NULL,
    unit               text        NOT NULL,
    price              numeric     NOT NULL,
    currency           text        NOT NULL,
    stock              bigint      NOT NULL,
    origin_country     text        NOT NULL,
    gtin               text        NULL,
    origin_region_code text        NULL,
    local_share        numeric     NULL,
    warehouse_site_id  uuid        NULL,
    updated_at         timestamptz NOT NULL,
    PRIMARY KEY (wholesaler_id, sku)
);
