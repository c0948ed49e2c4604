-- Pipelines and opportunities (销售机会, issue 16 items 2-5): kit record types. Pipelines, their
-- stages and competitors are an administrator's (kAdminOnly, staff read them); opportunities have
-- their own owner (kOwnScope) and always a customer; contacts with their role, needs, solutions
-- and competitors' presence are records under the customer that name the opportunity.
CREATE TABLE pipelines (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    name_en TEXT,
    description TEXT,
    is_default INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1,
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    deleted_at INTEGER,
    custom TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE pipeline_stages (
    id INTEGER PRIMARY KEY,
    pipeline_id INTEGER NOT NULL REFERENCES pipelines(id),
    name TEXT NOT NULL,
    name_en TEXT,
    position INTEGER NOT NULL,
    probability INTEGER NOT NULL,
    is_won INTEGER NOT NULL DEFAULT 0,
    is_lost INTEGER NOT NULL DEFAULT 0,
    days_limit INTEGER,
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    deleted_at INTEGER,
    custom TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX pipeline_stages_pipeline ON pipeline_stages(pipeline_id, deleted_at, position);
CREATE TABLE competitors (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    website TEXT,
    strengths TEXT,
    weaknesses TEXT,
    notes TEXT,
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    deleted_at INTEGER,
    custom TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE opportunities (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    owner_id INTEGER REFERENCES users(id),
    amount INTEGER,
    expected_close_on TEXT,
    pipeline_id INTEGER NOT NULL REFERENCES pipelines(id),
    stage_id INTEGER NOT NULL REFERENCES pipeline_stages(id),
    probability INTEGER,
    source TEXT,
    next_step TEXT,
    status TEXT NOT NULL DEFAULT 'open',
    lost_reason TEXT,
    won_competitor_id INTEGER REFERENCES competitors(id),
    close_note TEXT,
    stage_entered_at INTEGER,
    closed_at INTEGER,
    milestone_at INTEGER,
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    deleted_at INTEGER,
    custom TEXT NOT NULL DEFAULT '{}'
);
-- The board: one pipeline's open opportunities of the caller's owner set, counted and summed per
-- stage from the index alone (pipeline, status, owner, live, stage, amount), and each column's
-- cards by the time they entered the stage.
CREATE INDEX opportunities_board
    ON opportunities(pipeline_id, status, owner_id, deleted_at, stage_id, amount);
CREATE INDEX opportunities_board_cards
    ON opportunities(pipeline_id, stage_id, status, owner_id, deleted_at, stage_entered_at);
-- Lists by owner (own scope), the customer's timeline and open opportunities moved with the
-- customer, and competitors' win/loss counts.
CREATE INDEX opportunities_owner ON opportunities(owner_id, deleted_at, created_at);
CREATE INDEX opportunities_customer ON opportunities(customer_id, deleted_at, milestone_at);
CREATE INDEX opportunities_won_competitor ON opportunities(won_competitor_id);
-- Each stage an opportunity was in: entered, left (null while it is there).
CREATE TABLE opportunity_stage_history (
    id INTEGER PRIMARY KEY,
    opportunity_id INTEGER NOT NULL REFERENCES opportunities(id),
    stage_id INTEGER NOT NULL REFERENCES pipeline_stages(id),
    entered_at INTEGER NOT NULL,
    left_at INTEGER,
    moved_by INTEGER REFERENCES users(id)
);
CREATE INDEX opportunity_stage_history_opportunity
    ON opportunity_stage_history(opportunity_id, entered_at);
CREATE TABLE opportunity_contacts (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    opportunity_id INTEGER REFERENCES opportunities(id),
    contact_id INTEGER NOT NULL REFERENCES contacts(id),
    role TEXT NOT NULL,
    notes TEXT,
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    deleted_at INTEGER,
    custom TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX opportunity_contacts_customer
    ON opportunity_contacts(customer_id, deleted_at, created_at);
CREATE INDEX opportunity_contacts_opportunity ON opportunity_contacts(opportunity_id);
CREATE TABLE opportunity_needs (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    opportunity_id INTEGER REFERENCES opportunities(id),
    title TEXT NOT NULL,
    details TEXT,
    priority TEXT NOT NULL,
    raised_by_contact_id INTEGER REFERENCES contacts(id),
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    deleted_at INTEGER,
    custom TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX opportunity_needs_customer ON opportunity_needs(customer_id, deleted_at, created_at);
CREATE INDEX opportunity_needs_opportunity ON opportunity_needs(opportunity_id);
CREATE TABLE opportunity_solutions (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    opportunity_id INTEGER REFERENCES opportunities(id),
    title TEXT NOT NULL,
    description TEXT,
    need_ids TEXT,
    products TEXT,
    document_id INTEGER REFERENCES documents(id),
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    deleted_at INTEGER,
    custom TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX opportunity_solutions_customer
    ON opportunity_solutions(customer_id, deleted_at, created_at);
CREATE INDEX opportunity_solutions_opportunity ON opportunity_solutions(opportunity_id);
CREATE TABLE opportunity_competitors (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    opportunity_id INTEGER REFERENCES opportunities(id),
    competitor_id INTEGER NOT NULL REFERENCES competitors(id),
    price INTEGER,
    notes TEXT,
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    deleted_at INTEGER,
    custom TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX opportunity_competitors_customer
    ON opportunity_competitors(customer_id, deleted_at, created_at);
CREATE INDEX opportunity_competitors_opportunity ON opportunity_competitors(opportunity_id);
CREATE INDEX opportunity_competitors_competitor
    ON opportunity_competitors(competitor_id, opportunity_id);
-- The default pipeline. Labels are data: `name` is shown in Chinese, `name_en` (when set) in
-- English. Limits in days: how long an opportunity may sit in a stage before it is stale.
INSERT INTO pipelines (name, name_en, description, is_default, active, created_at, updated_at)
VALUES ('标准销售流程', 'Standard sales process', NULL, 1, 1, CAST(strftime('%s', 'now') AS INTEGER), CAST(strftime('%s', 'now') AS INTEGER));
INSERT INTO pipeline_stages (pipeline_id, name, name_en, position, probability, is_won, is_lost,
                             days_limit, created_at, updated_at)
SELECT p.id, s.name, s.name_en, s.position, s.probability, s.is_won, s.is_lost, s.days_limit,
       CAST(strftime('%s', 'now') AS INTEGER), CAST(strftime('%s', 'now') AS INTEGER)
FROM pipelines p,
     (SELECT '初步接洽' AS name, 'Initial contact' AS name_en, 1 AS position, 10 AS probability,
             0 AS is_won, 0 AS is_lost, 14 AS days_limit
      UNION ALL SELECT '需求确认', 'Needs confirmed', 2, 25, 0, 0, 21
      UNION ALL SELECT '方案报价', 'Proposal and quote', 3, 50, 0, 0, 21
      UNION ALL SELECT '谈判', 'Negotiation', 4, 75, 0, 0, 30
      UNION ALL SELECT '赢单', 'Won', 5, 100, 1, 0, NULL
      UNION ALL SELECT '输单', 'Lost', 6, 0, 0, 1, NULL) s
WHERE p.is_default = 1
ORDER BY s.position;
-- As a new installation's roles get them at first start: an administrator's types (pipelines,
-- stages, competitors) are read by the default manager and sales roles too and written by the
-- administrator; the opportunity types are the administrator's and the manager's whole, the
-- default sales role's all but delete and export.
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'pipelines.view')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'pipelines.view');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'pipelines.create')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'pipelines.create');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'pipelines.edit')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'pipelines.edit');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'pipelines.delete')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'pipelines.delete');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'pipelines.export')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'pipelines.export');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'pipelines.view')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'pipelines.view');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'pipelines.view')
WHERE name = 'sales' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'pipelines.view');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'pipeline_stages.view')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'pipeline_stages.view');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'pipeline_stages.create')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'pipeline_stages.create');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'pipeline_stages.edit')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'pipeline_stages.edit');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'pipeline_stages.delete')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'pipeline_stages.delete');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'pipeline_stages.export')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'pipeline_stages.export');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'pipeline_stages.view')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'pipeline_stages.view');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'pipeline_stages.view')
WHERE name = 'sales' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'pipeline_stages.view');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'competitors.view')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'competitors.view');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'competitors.create')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'competitors.create');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'competitors.edit')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'competitors.edit');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'competitors.delete')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'competitors.delete');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'competitors.export')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'competitors.export');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'competitors.view')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'competitors.view');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'competitors.view')
WHERE name = 'sales' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'competitors.view');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunities.view')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunities.view');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunities.create')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunities.create');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunities.edit')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunities.edit');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunities.delete')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunities.delete');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunities.export')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunities.export');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunities.view')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunities.view');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunities.create')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunities.create');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunities.edit')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunities.edit');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunities.delete')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunities.delete');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunities.export')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunities.export');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunities.view')
WHERE name = 'sales' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunities.view');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunities.create')
WHERE name = 'sales' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunities.create');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunities.edit')
WHERE name = 'sales' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunities.edit');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunity_contacts.view')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunity_contacts.view');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunity_contacts.create')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunity_contacts.create');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunity_contacts.edit')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunity_contacts.edit');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunity_contacts.delete')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunity_contacts.delete');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunity_contacts.export')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunity_contacts.export');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunity_contacts.view')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunity_contacts.view');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunity_contacts.create')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunity_contacts.create');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunity_contacts.edit')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunity_contacts.edit');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunity_contacts.delete')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunity_contacts.delete');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunity_contacts.export')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunity_contacts.export');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunity_contacts.view')
WHERE name = 'sales' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunity_contacts.view');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunity_contacts.create')
WHERE name = 'sales' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunity_contacts.create');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunity_contacts.edit')
WHERE name = 'sales' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunity_contacts.edit');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunity_needs.view')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunity_needs.view');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunity_needs.create')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunity_needs.create');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunity_needs.edit')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunity_needs.edit');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunity_needs.delete')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunity_needs.delete');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunity_needs.export')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunity_needs.export');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunity_needs.view')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunity_needs.view');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunity_needs.create')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunity_needs.create');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunity_needs.edit')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunity_needs.edit');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunity_needs.delete')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunity_needs.delete');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunity_needs.export')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunity_needs.export');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunity_needs.view')
WHERE name = 'sales' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunity_needs.view');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunity_needs.create')
WHERE name = 'sales' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunity_needs.create');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunity_needs.edit')
WHERE name = 'sales' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunity_needs.edit');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunity_solutions.view')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunity_solutions.view');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunity_solutions.create')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunity_solutions.create');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunity_solutions.edit')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunity_solutions.edit');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunity_solutions.delete')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunity_solutions.delete');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunity_solutions.export')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunity_solutions.export');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunity_solutions.view')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunity_solutions.view');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunity_solutions.create')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunity_solutions.create');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunity_solutions.edit')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunity_solutions.edit');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunity_solutions.delete')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunity_solutions.delete');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunity_solutions.export')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunity_solutions.export');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunity_solutions.view')
WHERE name = 'sales' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunity_solutions.view');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunity_solutions.create')
WHERE name = 'sales' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunity_solutions.create');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunity_solutions.edit')
WHERE name = 'sales' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunity_solutions.edit');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunity_competitors.view')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunity_competitors.view');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunity_competitors.create')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunity_competitors.create');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunity_competitors.edit')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunity_competitors.edit');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunity_competitors.delete')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunity_competitors.delete');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunity_competitors.export')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunity_competitors.export');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunity_competitors.view')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunity_competitors.view');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunity_competitors.create')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunity_competitors.create');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunity_competitors.edit')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunity_competitors.edit');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunity_competitors.delete')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunity_competitors.delete');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunity_competitors.export')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunity_competitors.export');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunity_competitors.view')
WHERE name = 'sales' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunity_competitors.view');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunity_competitors.create')
WHERE name = 'sales' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunity_competitors.create');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'opportunity_competitors.edit')
WHERE name = 'sales' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'opportunity_competitors.edit');
