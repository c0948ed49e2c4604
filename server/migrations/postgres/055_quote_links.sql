-- Issue 16's joins: a quote names its opportunity, and the contract an accepted quote became names
-- the quote (one live contract per quote; the contract type checks it).
ALTER TABLE quotes ADD COLUMN opportunity_id INTEGER REFERENCES opportunities(id);
CREATE INDEX quotes_opportunity ON quotes(opportunity_id);
ALTER TABLE contracts ADD COLUMN quote_id INTEGER REFERENCES quotes(id);
CREATE INDEX contracts_quote ON contracts(quote_id);
