// Search index tables: one row per extracted value, keyed by (resource_type, id, param); current versions only.
export const version = 2;
export const name = 'search-index';
export const sql = `
CREATE TABLE idx_token (
  resource_type text NOT NULL,
  id text NOT NULL,
  param text NOT NULL,
  system text,
  code text,
  text_norm text
);
CREATE INDEX idx_token_code ON idx_token (resource_type, param, code, system);
CREATE INDEX idx_token_text ON idx_token (resource_type, param, text_norm text_pattern_ops);
CREATE INDEX idx_token_owner ON idx_token (resource_type, id);

CREATE TABLE idx_string (
  resource_type text NOT NULL,
  id text NOT NULL,
  param text NOT NULL,
  value_norm text NOT NULL,
  value_raw text NOT NULL
);
CREATE INDEX idx_string_value ON idx_string (resource_type, param, value_norm text_pattern_ops);
CREATE INDEX idx_string_owner ON idx_string (resource_type, id);

CREATE TABLE idx_reference (
  resource_type text NOT NULL,
  id text NOT NULL,
  param text NOT NULL,
  target_type text,
  target_id text,
  target_url text,
  ident_system text,
  ident_value text
);
CREATE INDEX idx_reference_target ON idx_reference (param, target_type, target_id, resource_type);
CREATE INDEX idx_reference_url ON idx_reference (param, target_url) WHERE target_url IS NOT NULL;
CREATE INDEX idx_reference_ident ON idx_reference (param, ident_value) WHERE ident_value IS NOT NULL;
CREATE INDEX idx_reference_owner ON idx_reference (resource_type, id);

CREATE TABLE idx_date (
  resource_type text NOT NULL,
  id text NOT NULL,
  param text NOT NULL,
  low timestamptz NOT NULL,
  high timestamptz NOT NULL
);
CREATE INDEX idx_date_low ON idx_date (resource_type, param, low);
CREATE INDEX idx_date_high ON idx_date (resource_type, param, high);
CREATE INDEX idx_date_owner ON idx_date (resource_type, id);

CREATE TABLE idx_number (
  resource_type text NOT NULL,
  id text NOT NULL,
  param text NOT NULL,
  value numeric NOT NULL
);
CREATE INDEX idx_number_value ON idx_number (resource_type, param, value);
CREATE INDEX idx_number_owner ON idx_number (resource_type, id);

CREATE TABLE idx_quantity (
  resource_type text NOT NULL,
  id text NOT NULL,
  param text NOT NULL,
  value numeric NOT NULL,
  system text,
  code text,
  unit text
);
CREATE INDEX idx_quantity_value ON idx_quantity (resource_type, param, value);
CREATE INDEX idx_quantity_owner ON idx_quantity (resource_type, id);

CREATE TABLE idx_uri (
  resource_type text NOT NULL,
  id text NOT NULL,
  param text NOT NULL,
  value text NOT NULL
);
CREATE INDEX idx_uri_value ON idx_uri (resource_type, param, value text_pattern_ops);
CREATE INDEX idx_uri_owner ON idx_uri (resource_type, id);

CREATE INDEX resource_last_updated ON resource (resource_type, last_updated, id) WHERE NOT deleted;

CREATE TABLE cache_version (
  name text PRIMARY KEY,
  version bigint NOT NULL
);
`;
