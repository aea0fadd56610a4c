// Search index tables: one row per extracted value, keyed by (resource_type, id, param); current versions only.
//
// Index layout (measured with npm run bench:search): a value index leads with (resource_type, param, value) and carries
// the owning id, so a filter is an index-only scan that yields ids in id order (merge joins under ORDER BY id, early
// stop at the page size) or an index-only probe for one id. Owner indexes (resource_type, id, param) serve deletes,
// :missing and per-resource probes. Extended statistics stop the planner multiplying the selectivities of columns
// that move together (resource_type, param, code and system), which made it misjudge result sizes by 100x.
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
CREATE INDEX idx_token_code ON idx_token (resource_type, param, code, id) INCLUDE (system);
CREATE INDEX idx_token_text ON idx_token (resource_type, param, text_norm text_pattern_ops) INCLUDE (id) WHERE text_norm IS NOT NULL;
CREATE INDEX idx_token_owner ON idx_token (resource_type, id, param);
CREATE STATISTICS idx_token_stats (dependencies, mcv) ON resource_type, param, code, system FROM idx_token;
-- A longer most-common list, so codes of one type and parameter (a Community Support, a Task status) are counted, not guessed.
ALTER STATISTICS idx_token_stats SET STATISTICS 500;

CREATE TABLE idx_string (
  resource_type text NOT NULL,
  id text NOT NULL,
  param text NOT NULL,
  value_norm text NOT NULL,
  value_raw text NOT NULL
);
CREATE INDEX idx_string_value ON idx_string (resource_type, param, value_norm text_pattern_ops) INCLUDE (id);
CREATE INDEX idx_string_owner ON idx_string (resource_type, id, param);
CREATE STATISTICS idx_string_stats (dependencies, mcv) ON resource_type, param FROM idx_string;

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
CREATE INDEX idx_reference_target ON idx_reference (resource_type, param, target_type, target_id, id);
CREATE INDEX idx_reference_url ON idx_reference (resource_type, param, target_url, id) WHERE target_url IS NOT NULL;
CREATE INDEX idx_reference_ident ON idx_reference (resource_type, param, ident_value, id) INCLUDE (ident_system) WHERE ident_value IS NOT NULL;
CREATE INDEX idx_reference_owner ON idx_reference (resource_type, id, param) INCLUDE (target_type, target_id, target_url);
-- Both: the first knows busy targets (an owner with thousands of Tasks), the second how many references of a kind there are (chains).
CREATE STATISTICS idx_reference_stats (dependencies, mcv) ON resource_type, param, target_type, target_id FROM idx_reference;
CREATE STATISTICS idx_reference_type_stats (dependencies, mcv) ON resource_type, param, target_type FROM idx_reference;

CREATE TABLE idx_date (
  resource_type text NOT NULL,
  id text NOT NULL,
  param text NOT NULL,
  low timestamptz NOT NULL,
  high timestamptz NOT NULL
);
CREATE INDEX idx_date_low ON idx_date (resource_type, param, low) INCLUDE (high, id);
CREATE INDEX idx_date_high ON idx_date (resource_type, param, high) INCLUDE (low, id);
CREATE INDEX idx_date_owner ON idx_date (resource_type, id, param);
CREATE STATISTICS idx_date_stats (dependencies, mcv) ON resource_type, param FROM idx_date;

CREATE TABLE idx_number (
  resource_type text NOT NULL,
  id text NOT NULL,
  param text NOT NULL,
  value numeric NOT NULL
);
CREATE INDEX idx_number_value ON idx_number (resource_type, param, value) INCLUDE (id);
CREATE INDEX idx_number_owner ON idx_number (resource_type, id, param);

CREATE TABLE idx_quantity (
  resource_type text NOT NULL,
  id text NOT NULL,
  param text NOT NULL,
  value numeric NOT NULL,
  system text,
  code text,
  unit text
);
CREATE INDEX idx_quantity_value ON idx_quantity (resource_type, param, value) INCLUDE (id);
CREATE INDEX idx_quantity_owner ON idx_quantity (resource_type, id, param);

CREATE TABLE idx_uri (
  resource_type text NOT NULL,
  id text NOT NULL,
  param text NOT NULL,
  value text NOT NULL
);
CREATE INDEX idx_uri_value ON idx_uri (resource_type, param, value text_pattern_ops) INCLUDE (id);
CREATE INDEX idx_uri_owner ON idx_uri (resource_type, id, param);

CREATE INDEX resource_last_updated ON resource (resource_type, last_updated, id) WHERE NOT deleted;
-- Live resources in id order (the default search order), with last_updated for _lastUpdated: index-only, unlike the primary key.
CREATE INDEX resource_live ON resource (resource_type, id) INCLUDE (last_updated) WHERE NOT deleted;

CREATE TABLE cache_version (
  name text PRIMARY KEY,
  version bigint NOT NULL
);
`;
