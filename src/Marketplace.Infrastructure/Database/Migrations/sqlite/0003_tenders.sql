-- Needs and their tenders. `status` is the stored status (draft, open, awarded, cancelled):
-- `closed` is derived from bid_deadline and the application clock, never written.
CREATE TABLE needs (
    id                      TEXT NOT NULL PRIMARY KEY,
    owner_id                TEXT NOT NULL REFERENCES companies (id),
    title                   TEXT NOT NULL,
    category_code           TEXT NOT NULL,
    quantity_per_month      REAL NOT NULL,
    unit                    TEXT NOT NULL,
    required_certifications TEXT NOT NULL, -- JSON array
    delivery_site_id        TEXT NOT NULL REFERENCES sites (id),
    current_local_share     REAL NOT NULL,
    min_local_share         REAL NOT NULL,
    annual_value            TEXT NOT NULL, -- decimal as text
    currency                TEXT NOT NULL,
    scope                   TEXT NOT NULL,
    radius_km               REAL NULL,
    weight_proximity        REAL NULL,
    weight_capability       REAL NULL,
    weight_localization     REAL NULL,
    proximity_scale_km      REAL NULL,
    status                  TEXT NOT NULL,
    bid_deadline            TEXT NULL,
    cancel_reason           TEXT NULL,
    award_bid_id            TEXT NULL,
    award_supplier_id       TEXT NULL,
    award_unit_price        TEXT NULL,
    award_currency          TEXT NULL,
    award_supplier_size     TEXT NULL, -- the winner's size when awarded (SME share)
    version                 INTEGER NOT NULL,
    created_at              TEXT NOT NULL,
    updated_at              TEXT NOT NULL
);
CREATE INDEX ix_needs_owner ON needs (owner_id, id);
CREATE INDEX ix_needs_status ON needs (status, id);
CREATE INDEX ix_needs_site ON needs (delivery_site_id);

CREATE TABLE bids (
    id             TEXT    NOT NULL PRIMARY KEY,
    need_id        TEXT    NOT NULL REFERENCES needs (id),
    supplier_id    TEXT    NOT NULL REFERENCES companies (id),
    unit_price     TEXT    NOT NULL,
    currency       TEXT    NOT NULL,
    lead_time_days INTEGER NOT NULL,
    local_share    REAL    NOT NULL,
    capability_id  TEXT    NULL REFERENCES capabilities (id),
    comment        TEXT    NULL,
    status         TEXT    NOT NULL,
    submitted_at   TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL
);
CREATE INDEX ix_bids_need ON bids (need_id, id);
CREATE INDEX ix_bids_supplier ON bids (supplier_id, need_id);
-- One live bid per supplier per need, enforced by the database.
CREATE UNIQUE INDEX ux_bids_live ON bids (need_id, supplier_id) WHERE status = 'submitted';

-- The history of a need and its bids (GET /needs/{id}/history).
CREATE TABLE need_events (
    id          TEXT NOT NULL PRIMARY KEY,
    need_id     TEXT NOT NULL REFERENCES needs (id),
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL, -- a company id, 'admin' or 'system'
    entity      TEXT NOT NULL, -- need | bid
    entity_id   TEXT NOT NULL,
    from_status TEXT NULL,
    to_status   TEXT NOT NULL
);
CREATE INDEX ix_need_events_need ON need_events (need_id, at);
