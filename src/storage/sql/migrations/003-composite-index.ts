// Composite search parameters (e.g. Observation code-value-quantity): a token paired with a second value.
export const version = 3;
export const name = 'composite-index';
export const sql = `
CREATE TABLE idx_composite (
  resource_type text NOT NULL,
  id text NOT NULL,
  param text NOT NULL,
  system1 text,
  code1 text,
  system2 text,
  code2 text,
  number2 numeric,
  low2 timestamptz,
  high2 timestamptz,
  text2 text
);
CREATE INDEX idx_composite_code ON idx_composite (resource_type, param, code1, code2);
CREATE INDEX idx_composite_owner ON idx_composite (resource_type, id);
`;
