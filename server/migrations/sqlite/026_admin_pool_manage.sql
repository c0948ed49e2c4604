-- pool.manage (change public-pool customers without claiming them) is new: the admin role holds
-- every permission, so it gets this one too. New installations get it at first start.
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'pool.manage')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'pool.manage');
