-- The board's counts and sums without counting every open opportunity in the caller's scope on each
-- request (issue 16's budget: a manager's board at 300k opportunities; docs/PERFORMANCE.md): the
-- open, live opportunities per pipeline, owner (owner_key 0: none) and stage, kept exact by
-- triggers on every insert, move, change of amount or owner, close, soft delete and restore,
-- whichever code path or process writes (as customer_owner_counts is, migration 011).
CREATE TABLE opportunity_stage_totals (
    pipeline_id INTEGER NOT NULL,
    owner_key INTEGER NOT NULL,
    stage_id INTEGER NOT NULL,
    open_count INTEGER NOT NULL,
    open_amount INTEGER NOT NULL,
    PRIMARY KEY (pipeline_id, owner_key, stage_id)
);
INSERT INTO opportunity_stage_totals (pipeline_id, owner_key, stage_id, open_count, open_amount)
SELECT pipeline_id, coalesce(owner_id, 0), stage_id, COUNT(*), coalesce(SUM(amount), 0)
FROM opportunities WHERE status = 'open' AND deleted_at IS NULL GROUP BY 1, 2, 3;

CREATE TRIGGER opportunity_totals_insert AFTER INSERT ON opportunities
WHEN new.status = 'open' AND new.deleted_at IS NULL BEGIN
    INSERT INTO opportunity_stage_totals (pipeline_id, owner_key, stage_id, open_count, open_amount)
    VALUES (new.pipeline_id, coalesce(new.owner_id, 0), new.stage_id, 1, coalesce(new.amount, 0))
    ON CONFLICT (pipeline_id, owner_key, stage_id) DO UPDATE
    SET open_count = open_count + 1, open_amount = open_amount + excluded.open_amount;
END;
CREATE TRIGGER opportunity_totals_delete AFTER DELETE ON opportunities
WHEN old.status = 'open' AND old.deleted_at IS NULL BEGIN
    UPDATE opportunity_stage_totals
    SET open_count = open_count - 1, open_amount = open_amount - coalesce(old.amount, 0)
    WHERE pipeline_id = old.pipeline_id AND owner_key = coalesce(old.owner_id, 0)
      AND stage_id = old.stage_id;
END;
CREATE TRIGGER opportunity_totals_update
AFTER UPDATE OF pipeline_id, owner_id, stage_id, status, amount, deleted_at ON opportunities
WHEN old.pipeline_id IS NOT new.pipeline_id OR old.owner_id IS NOT new.owner_id
  OR old.stage_id IS NOT new.stage_id OR old.status IS NOT new.status
  OR old.amount IS NOT new.amount OR (old.deleted_at IS NULL) <> (new.deleted_at IS NULL) BEGIN
    UPDATE opportunity_stage_totals
    SET open_count = open_count - 1, open_amount = open_amount - coalesce(old.amount, 0)
    WHERE old.status = 'open' AND old.deleted_at IS NULL AND pipeline_id = old.pipeline_id
      AND owner_key = coalesce(old.owner_id, 0) AND stage_id = old.stage_id;
    INSERT INTO opportunity_stage_totals (pipeline_id, owner_key, stage_id, open_count, open_amount)
    SELECT new.pipeline_id, coalesce(new.owner_id, 0), new.stage_id, 1, coalesce(new.amount, 0)
    WHERE new.status = 'open' AND new.deleted_at IS NULL
    ON CONFLICT (pipeline_id, owner_key, stage_id) DO UPDATE
    SET open_count = open_count + 1, open_amount = open_amount + excluded.open_amount;
END;
