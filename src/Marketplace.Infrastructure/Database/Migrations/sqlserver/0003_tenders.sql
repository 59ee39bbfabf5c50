CREATE TABLE needs (
    id                      char(36)       COLLATE Latin1_General_BIN2 NOT NULL PRIMARY KEY,
    owner_id                char(36)       COLLATE Latin1_General_BIN2 NOT NULL REFERENCES companies (id),
    title                   nvarchar(300)  NOT NULL,
    category_code           varchar(16)    COLLATE Latin1_General_BIN2 NOT NULL,
    quantity_per_month      float          NOT NULL,
    unit                    varchar(8)     NOT NULL,
    required_certifications nvarchar(max)  NOT NULL,
    delivery_site_id        char(36)       COLLATE Latin1_General_BIN2 NOT NULL REFERENCES sites (id),
    current_local_share     float          NOT NULL,
    min_local_share         float          NOT NULL,
    annual_value            decimal(28, 6) NOT NULL,
    currency                char(3)        NOT NULL,
    scope                   varchar(16)    NOT NULL,
    radius_km               float          NULL,
    weight_proximity        float          NULL,
    weight_capability       float          NULL,
    weight_localization     float          NULL,
    proximity_scale_km      float          NULL,
    status                  varchar(16)    NOT NULL,
    bid_deadline            datetimeoffset(6) NULL,
    cancel_reason           nvarchar(2000) NULL,
    award_bid_id            char(36)       COLLATE Latin1_General_BIN2 NULL,
    award_supplier_id       char(36)       COLLATE Latin1_General_BIN2 NULL,
    award_unit_price        decimal(28, 6) NULL,
    award_currency          char(3)        NULL,
    award_supplier_size     varchar(16)    NULL,
    version                 int            NOT NULL,
    created_at              datetimeoffset(6) NOT NULL,
    updated_at              datetimeoffset(6) NOT NULL
);
CREATE INDEX ix_needs_owner ON needs (owner_id, id);
CREATE INDEX ix_needs_status ON needs (status, id);
CREATE INDEX ix_needs_site ON needs (delivery_site_id);

CREATE TABLE bids (
    id             char(36)       COLLATE Latin1_General_BIN2 NOT NULL PRIMARY KEY,
    need_id        char(36)       COLLATE Latin1_General_BIN2 NOT NULL REFERENCES needs (id),
    supplier_id    char(36)       COLLATE Latin1_General_BIN2 NOT NULL REFERENCES companies (id),
    unit_price     decimal(28, 6) NOT NULL,
    currency       char(3)        NOT NULL,
    lead_time_days int            NOT NULL,
    local_share    float          NOT NULL,
    capability_id  char(36)       COLLATE Latin1_General_BIN2 NULL REFERENCES capabilities (id),
    comment        nvarchar(2000) NULL,
    status         varchar(16)    NOT NULL,
    submitted_at   datetimeoffset(6) NOT NULL,
    updated_at     datetimeoffset(6) NOT NULL
);
CREATE INDEX ix_bids_need ON bids (need_id, id);
CREATE INDEX ix_bids_supplier ON bids (supplier_id, need_id);
CREATE UNIQUE INDEX ux_bids_live ON bids (need_id, supplier_id) WHERE status = 'submitted';

CREATE TABLE need_events (
    id          char(36)    COLLATE Latin1_General_BIN2 NOT NULL PRIMARY KEY,
    need_id     char(36)    COLLATE Latin1_General_BIN2 NOT NULL REFERENCES needs (id),
    at          datetimeoffset(6) NOT NULL,
    actor       varchar(64) NOT NULL,
    entity      varchar(8)  NOT NULL,
    entity_id   char(36)    COLLATE Latin1_General_BIN2 NOT NULL,
    from_status varchar(16) NULL,
    to_status   varchar(16) NOT NULL
);
CREATE INDEX ix_need_events_need ON need_events (need_id, at);
