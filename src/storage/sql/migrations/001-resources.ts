// Current resource versions and the full version history (the audit trail).
// Content is stored as JSON text: it keeps the client's key order, reads without conversion, and search uses index tables.
export const version = 1;
export const name = 'resources-and-history';
export const sql = `
CREATE TABLE resource (
  resource_type text NOT NULL,
  id text NOT NULL,
  version_id integer NOT NULL,
  last_updated timestamptz NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  content text,
  PRIMARY KEY (resource_type, id)
);

CREATE TABLE resource_history (
  seq bigserial PRIMARY KEY,
  resource_type text NOT NULL,
  id text NOT NULL,
  version_id integer NOT NULL,
  last_updated timestamptz NOT NULL,
  method text NOT NULL,
  deleted boolean NOT NULL,
  content text,
  client_id text,
  organization text,
  request_id text,
  UNIQUE (resource_type, id, version_id)
);

CREATE INDEX resource_history_type_seq ON resource_history (resource_type, seq);
CREATE INDEX resource_history_updated ON resource_history (last_updated);
`;
