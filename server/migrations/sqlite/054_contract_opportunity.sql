-- A contract names the opportunity it closes (issue 16: the sales process from opportunity to
-- payment); optional, a live opportunity of the contract's customer (the kit checks it).
ALTER TABLE contracts ADD COLUMN opportunity_id INTEGER REFERENCES opportunities(id);
CREATE INDEX contracts_opportunity ON contracts(opportunity_id);
