-- The board's counts and sums without counting every open opportunity in the caller's scope on each
-- request: the open, live opportunities per pipeline, owner (owner_key 0: none) and stage, kept
-- exact by a trigger whichever code path or process writes. See the SQLite migration 057.
CREATE TABLE opportunity_stage_totals (
    pipeline_id BIGINT NOT NULL,
    owner_key BIGINT NOT NULL,
    stage_id BIGINT NOT NULL,
    open_count BIGINT NOT NULL,
    open_amount BIGINT NOT NULL,
    PRIMARY KEY (pipeline_id, owner_key, stage_id)
);
INSERT INTO opportunity_stage_totals (pipeline_id, owner_key, stage_id, open_count, open_amount)
SELECT pipeline_id, coalesce(owner_id, 0), stage_id, COUNT(*), coalesce(SUM(amount), 0)
FROM opportunities WHERE status = 'open' AND deleted_at IS NULL GROUP BY 1, 2, 3;

CREATE FUNCTION opportunity_stage_total() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'open' AND OLD.deleted_at IS NULL THEN
        UPDATE opportunity_stage_totals
        SET open_count = open_count - 1, open_amount = open_amount - coalesce(OLD.amount, 0)
        WHERE pipeline_id = OLD.pipeline_id AND owner_key = coalesce(OLD.owner_id, 0)
          AND stage_id = OLD.stage_id;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.status = 'open' AND NEW.deleted_at IS NULL THEN
        INSERT INTO opportunity_stage_totals (pipeline_id, owner_key, stage_id, open_count,
                                              open_amount)
        VALUES (NEW.pipeline_id, coalesce(NEW.owner_id, 0), NEW.stage_id, 1,
                coalesce(NEW.amount, 0))
        ON CONFLICT (pipeline_id, owner_key, stage_id) DO UPDATE
        SET open_count = opportunity_stage_totals.open_count + 1,
            open_amount = opportunity_stage_totals.open_amount + EXCLUDED.open_amount;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER opportunities_total_change AFTER INSERT OR DELETE ON opportunities
    FOR EACH ROW EXECUTE FUNCTION opportunity_stage_total();
CREATE TRIGGER opportunities_total_update
    AFTER UPDATE OF pipeline_id, owner_id, stage_id, status, amount, deleted_at ON opportunities
    FOR EACH ROW
    WHEN (OLD.pipeline_id IS DISTINCT FROM NEW.pipeline_id
          OR OLD.owner_id IS DISTINCT FROM NEW.owner_id
          OR OLD.stage_id IS DISTINCT FROM NEW.stage_id
          OR OLD.status IS DISTINCT FROM NEW.status
          OR OLD.amount IS DISTINCT FROM NEW.amount
          OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL))
    EXECUTE FUNCTION opportunity_stage_total();
