-- Needs and their tenders. `status` is the stored status (draft, open, awarded, cancelled):
-- `closed` is derived from bid_deadline and the application clock, never written.
CREATE TABLE needs (
    id                      uuid NOT NULL PRIMARY KEY,
    owner_id uuid NOT NULL REFERENCES companies (id),
    title                   text NOT NULL,
    category_code           text NOT NULL,
    quantity_per_month      double precision NOT NULL,
    unit                    text NOT NULL,
    required_certifications text NOT NULL, -- JSON array
    delivery_site_id uuid NOT NULL REFERENCES sites (id),
    current_local_share     double precision NOT NULL,
    min_local_share         double precision NOT NULL,
    annual_value            numeric NOT NULL,
    currency                text NOT NULL,
    scope                   text NOT NULL,
    radius_km               double precision NULL,
    weight_proximity        double precision NULL,
    weight_capability       double precision NULL,
    weight_localization     double precision NULL,
    proximity_scale_km      double precision NULL,
    status                  text NOT NULL,
    bid_deadline timestamptz NULL,
    cancel_reason           text NULL,
    award_bid_id            uuid NULL,
    award_supplier_id       uuid NULL,
    award_unit_price        numeric NULL,
    award_currency          text NULL,
    award_supplier_size     text NULL, -- the winner's size when awarded (SME share)
    version                 integer NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX ix_needs_owner ON needs (owner_id, id);
CREATE INDEX ix_needs_status ON needs (status, id);
CREATE INDEX ix_needs_site ON needs (delivery_site_id);

CREATE TABLE bids (
    id             uuid    NOT NULL PRIMARY KEY,
    need_id uuid NOT NULL REFERENCES needs (id),
    supplier_id uuid NOT NULL REFERENCES companies (id),
    unit_price     numeric NOT NULL,
    currency       text    NOT NULL,
    lead_time_days integer NOT NULL,
    local_share    double precision    NOT NULL,
    capability_id  uuid    NULL REFERENCES capabilities (id),
    comment        text    NULL,
    status         text    NOT NULL,
    submitted_at timestamptz    NOT NULL,
    updated_at timestamptz    NOT NULL
);
CREATE INDEX ix_bids_need ON bids (need_id, id);
CREATE INDEX ix_bids_supplier ON bids (supplier_id, need_id);
-- One live bid per supplier per need, enforced by the database.
CREATE UNIQUE INDEX ux_bids_live ON bids (need_id, supplier_id) WHERE status = 'submitted';

-- The history of a need and its bids (GET /needs/{id}/history).
CREATE TABLE need_events (
    id          uuid NOT NULL PRIMARY KEY,
    need_id uuid NOT NULL REFERENCES needs (id),
    at          timestamptz NOT NULL,
    actor       text NOT NULL, -- a company id, 'admin' or 'system'
    entity      text NOT NULL, -- need | bid
    entity_id   uuid NOT NULL,
    from_status text NULL,
    to_status   text NOT NULL
);
CREATE INDEX ix_need_events_need ON need_events (need_id, at);
