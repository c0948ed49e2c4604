-- pool.manage (change public-pool customers without claiming them) is new: the admin role holds
-- every permission, so it gets this one too. New installations get it at first start.
UPDATE roles SET permissions = (permissions::jsonb || '["pool.manage"]'::jsonb)::text
WHERE name = 'admin' AND NOT (permissions::jsonb @> '["pool.manage"]'::jsonb);
