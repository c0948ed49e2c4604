-- One wrk script for every route of the benchmark. bench/run logs in (POST /api/v1/auth/login)
-- and passes the session token and a file of visible customer ids; this script sends the route
-- named by BENCH_ROUTE with `Authorization: Bearer <token>` and, in done(), writes the latency
-- percentiles, throughput and error counts as JSON to BENCH_OUT.
--
-- Routes: healthz | list | search2 | search4 | get | followup | customer_create | mailing_create |
-- mailing_list | timeline | deal_create | prepayment_create | document_upload | document_download |
-- kit_export | record_history | custom_field_list | contact_create | contact_list | followup_list |
-- department_list | me_get | me_patch | activity_create | activity_calendar | time_zones |
-- company_settings | jobs_list | job_schedules | todo | pool_quota | pool_rules | notification_settings |
-- reminder_rules | notification_settings_put | reminder_rules_put | pool_rules_put | contract_list |
-- payment_create | pipeline_board | quote_lines_put | quote_pdf | contract_across | quote_across |
-- opportunity_timeline | stage_history | product_prices | template_preview | template_create | mix
local route = os.getenv("BENCH_ROUTE") or "healthz"
local token = os.getenv("BENCH_TOKEN") or ""
local ids_file = os.getenv("BENCH_IDS") or ""
local q2 = os.getenv("BENCH_Q2") or "华强"
local q4 = os.getenv("BENCH_Q4") or "华强科技"
local out_path = os.getenv("BENCH_OUT") or ""
-- The customer with 1,000 timeline entries bench/tools/driver.py makes (timeline_customer).
local timeline_id = os.getenv("BENCH_TIMELINE_ID") or "1"
-- The customer with a document, mailings and a mailing with history that bench/tools/driver.py
-- makes (records_customer), and those records' ids.
local records_id = os.getenv("BENCH_RECORDS_ID") or "1"
local document_id = os.getenv("BENCH_DOCUMENT_ID") or "1"
local mailing_id = os.getenv("BENCH_MAILING_ID") or "1"
local contract_id = os.getenv("BENCH_CONTRACT_ID") or "1"
-- The quotes bench/tools/driver.py makes (bench_quotes): a draft whose 200 lines are replaced,
-- a quote of 50 lines to print, and the ids of the 50 products the lines name (comma-separated).
local quote_put_id = os.getenv("BENCH_QUOTE_PUT_ID") or "1"
local quote_pdf_id = os.getenv("BENCH_QUOTE_PDF_ID") or "1"
local quote_products = os.getenv("BENCH_QUOTE_PRODUCTS") or "1"
-- The opportunity bench/tools/driver.py makes (bench_opportunity): three stages, needs, a solution
-- and an activity.
local opportunity_id = os.getenv("BENCH_OPPORTUNITY_ID") or "1"
-- The SMS template bench/tools/driver.py makes (bench_template): four variables and a signature.
local template_id = os.getenv("BENCH_TEMPLATE_ID") or "1"

local ids = {}
local counter = 0
local threads = {}

local function urlencode(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local function load_ids()
  if ids_file == "" then return end
  local f = io.open(ids_file, "r")
  if not f then return end
  for line in f:lines() do
    if line ~= "" then ids[#ids + 1] = line end
  end
  f:close()
end

function setup(thread)
  thread:set("thread_index", #threads)
  threads[#threads + 1] = thread
end

-- A nonce per thread and run, so that the mailings one run creates never repeat another's items.
local nonce = "0"
local nonce_digits = "0000"

function init(args)
  load_ids()
  local f = io.open("/dev/urandom", "rb")
  if f then
    local b = f:read(4)
    f:close()
    nonce = string.format("%02x%02x%02x%02x", b:byte(1, 4))
    nonce_digits = string.format("%04d", (b:byte(1) * 256 + b:byte(2)) % 10000)
  end
  math.randomseed(1234 + (thread_index or 0))
  counter = (thread_index or 0) * 7919
end

local headers = { ["Authorization"] = "Bearer " .. token, ["Accept"] = "application/json" }
-- BENCH_ACCEPT_ENCODING (e.g. "gzip"): sent with the GET routes, so JSON answers above the
-- compression threshold come back compressed (server/src/http/compression.hpp).
local accept_encoding = os.getenv("BENCH_ACCEPT_ENCODING") or ""
if accept_encoding ~= "" then headers["Accept-Encoding"] = accept_encoding end
local post_headers = {
  ["Authorization"] = "Bearer " .. token,
  ["Content-Type"] = "application/json",
  ["Accept"] = "application/json",
}

-- A 1×1 PNG (69 bytes): what document_upload sends, as a browser's form.
local png = "\137PNG\013\010\026\010\000\000\000\013IHDR\000\000\000\001\000\000\000\001\008\002\000\000\000\144wS\222\000\000\000\012IDATx\156c\248\207\192\000\000\003\001\001\000\201\254\146\239\000\000\000\000IEND\174B`\130"
local boundary = "----GuanxiBenchBoundary7MA4YWxkTrZu0gW"
local upload_headers = {
  ["Authorization"] = "Bearer " .. token,
  ["Content-Type"] = "multipart/form-data; boundary=" .. boundary,
  ["Accept"] = "application/json",
}
local records_base = "/api/v1/customers/" .. records_id

-- quote_lines_put's body: 200 lines over the products, built once.
local quote_lines_body
do
  local products = {}
  for id in quote_products:gmatch("%d+") do products[#products + 1] = id end
  local lines = {}
  for i = 1, 200 do
    lines[i] = '{"product_id":' .. products[((i - 1) % #products) + 1] .. ',"quantity":"' ..
      (1 + i % 7) .. '","unit_price":"' .. (100 + i) .. '.50","discount":"0","tax_rate":"13"}'
  end
  quote_lines_body = '{"lines":[' .. table.concat(lines, ",") .. ']}'
end

local function next_id()
  counter = counter + 1
  if #ids == 0 then return "1" end
  return ids[(counter % #ids) + 1]
end

local builders = {
  healthz = function() return wrk.format("GET", "/healthz") end,
  list = function()
    return wrk.format("GET", "/api/v1/customers?page=1&page_size=50&sort=next_contact_at", headers)
  end,
  search2 = function()
    return wrk.format("GET", "/api/v1/customers?page=1&page_size=50&q=" .. urlencode(q2), headers)
  end,
  search4 = function()
    return wrk.format("GET", "/api/v1/customers?page=1&page_size=50&q=" .. urlencode(q4), headers)
  end,
  get = function() return wrk.format("GET", "/api/v1/customers/" .. next_id(), headers) end,
  -- A kit record type (docs/adr/0006-record-kit.md): a new mailing each time (a new item, so the
  -- "already sent" rule lets it through), and the customer's mailings, newest first.
  mailing_create = function()
    counter = counter + 1
    local body = '{"item":"基准测试资料 ' .. nonce .. "-" .. counter ..
      '","carrier":"顺丰速运","sent_on":"2026-12-01"}'
    return wrk.format("POST", "/api/v1/customers/" .. next_id() .. "/mailings", post_headers, body)
  end,
  mailing_list = function()
    return wrk.format("GET", "/api/v1/customers/" .. next_id() .. "/mailings?page_size=50", headers)
  end,
  -- A new customer each time, with a phone no other run or thread uses (the duplicate check runs
  -- and finds nothing): "1" + this thread's 4-digit nonce + a 6-digit counter.
  customer_create = function()
    counter = counter + 1
    local phone = "1" .. nonce_digits .. string.format("%06d", counter % 1000000)
    local body = '{"name":"基准客户 ' .. nonce .. "-" .. counter .. '","phone":"' .. phone ..
      '","category":"potential"}'
    return wrk.format("POST", "/api/v1/customers", post_headers, body)
  end,
  -- The 360° timeline of a customer with 1,000 entries: its first page of 50, newest first.
  timeline = function()
    return wrk.format("GET", "/api/v1/customers/" .. timeline_id .. "/timeline?limit=50", headers)
  end,
  -- More kit types: a deal and a prepayment of a new amount each time (no rule refuses a repeat),
  -- an uploaded image under a new name, and the reads of records_customer's fixtures.
  deal_create = function()
    counter = counter + 1
    local body = '{"closed_on":"2026-12-01","amount":"' .. (1000 + counter % 9000) ..
      '.00","description":"基准成交 ' .. nonce .. "-" .. counter .. '"}'
    return wrk.format("POST", "/api/v1/customers/" .. next_id() .. "/deals", post_headers, body)
  end,
  prepayment_create = function()
    counter = counter + 1
    local body = '{"received_on":"2026-11-20","amount":"' .. (500 + counter % 9000) ..
      '.00","method":"bank_transfer","note":"基准预收 ' .. nonce .. "-" .. counter .. '"}'
    return wrk.format("POST", "/api/v1/customers/" .. next_id() .. "/prepayments", post_headers, body)
  end,
  document_upload = function()
    counter = counter + 1
    local body = "--" .. boundary .. "\r\n" ..
      'Content-Disposition: form-data; name="file"; filename="基准图片-' .. nonce .. "-" .. counter ..
      '.png"\r\nContent-Type: image/png\r\n\r\n' .. png .. "\r\n--" .. boundary .. "--\r\n"
    return wrk.format("POST", "/api/v1/customers/" .. next_id() .. "/documents", upload_headers, body)
  end,
  document_download = function()
    return wrk.format("GET", records_base .. "/documents/" .. document_id .. "/content", headers)
  end,
  -- The customer's mailings as CSV (audited: each export also writes an audit row).
  kit_export = function()
    return wrk.format("GET", records_base .. "/mailings/export?format=csv", headers)
  end,
  record_history = function()
    return wrk.format("GET", records_base .. "/mailings/" .. mailing_id .. "/history", headers)
  end,
  custom_field_list = function() return wrk.format("GET", "/api/v1/custom-fields", headers) end,
  -- Contacts, follow-ups and departments on the kit: a contact with a phone no run or thread
  -- repeats, a customer's contacts and its follow-ups (newest first, a page of 50), and the
  -- department list every owner picker reads.
  contact_create = function()
    counter = counter + 1
    local phone = "1" .. nonce_digits .. string.format("%06d", counter % 1000000)
    local body = '{"name":"基准联系人 ' .. nonce .. "-" .. counter .. '","title":"采购经理","phone":"' ..
      phone .. '"}'
    return wrk.format("POST", "/api/v1/customers/" .. next_id() .. "/contacts", post_headers, body)
  end,
  contact_list = function()
    return wrk.format("GET", "/api/v1/customers/" .. next_id() .. "/contacts", headers)
  end,
  followup_list = function()
    return wrk.format("GET", "/api/v1/customers/" .. next_id() .. "/followups?page_size=50", headers)
  end,
  department_list = function() return wrk.format("GET", "/api/v1/departments", headers) end,
  -- The bell: the caller's newest notifications (a page of 20, with the unread count) and the
  -- count alone (asked when the live stream is down).
  notification_list = function()
    return wrk.format("GET", "/api/v1/notifications?page_size=20", headers)
  end,
  notification_unread = function()
    return wrk.format("GET", "/api/v1/notifications/unread-count", headers)
  end,
  -- The to-do home page (issue 15 item 6): every section with its count and first five items.
  todo = function() return wrk.format("GET", "/api/v1/todo", headers) end,
  -- The caller's own account: read it (every page load does) and change its phone (audited,
  -- before → after). (The duplicate check is limited to 60 a minute per user, so not here.)
  me_get = function() return wrk.format("GET", "/api/v1/me", headers) end,
  me_patch = function()
    counter = counter + 1
    local phone = "1" .. nonce_digits .. string.format("%06d", counter % 1000000)
    return wrk.format("PATCH", "/api/v1/me", post_headers, '{"phone":"' .. phone .. '"}')
  end,
  -- Activities (#15): a new meeting of the caller's on a day of the coming year (its participant
  -- the caller too: the side table is written), and a calendar's month — the caller's visible
  -- activities starting in a 31-day range (the month view's read).
  activity_create = function()
    counter = counter + 1
    local day = 1 + counter % 28
    local month = 1 + counter % 12
    local start = string.format("2027-%02d-%02dT%02d:00:00Z", month, day, 1 + counter % 9)
    local body = '{"kind":"meeting","subject":"基准会议 ' .. nonce .. "-" .. counter ..
      '","start_at":"' .. start .. '"}'
    return wrk.format("POST", "/api/v1/activities", post_headers, body)
  end,
  activity_calendar = function()
    counter = counter + 1
    local month = 1 + counter % 12
    local from = string.format("2027-%02d-01T00:00:00Z", month)
    local to = string.format("2027-%02d-01T00:00:00Z", month + 1)
    if month == 12 then to = "2028-01-01T00:00:00Z" end
    return wrk.format("GET", "/api/v1/activities?start_at_from=" .. from .. "&start_at_to=" .. to ..
      "&page_size=200", headers)
  end,
  -- Issue 15: the zone picker's list and the company's zone (everyone), the jobs page's two reads
  -- (administrators: bench/tools/driver.py sends these with the admin's session).
  time_zones = function() return wrk.format("GET", "/api/v1/time-zones", headers) end,
  company_settings = function() return wrk.format("GET", "/api/v1/settings/company", headers) end,
  jobs_list = function() return wrk.format("GET", "/api/v1/jobs?status=dead&page_size=50", headers) end,
  job_schedules = function() return wrk.format("GET", "/api/v1/job-schedules", headers) end,
  -- Issue 15, public-pool rules: a salesperson's claims left (the pool page), the rules (admin).
  pool_quota = function() return wrk.format("GET", "/api/v1/pool/quota", headers) end,
  pool_rules = function() return wrk.format("GET", "/api/v1/settings/pool-rules", headers) end,
  -- Issue 15, reminders: a user's own channels (My account), the reminder rules (admin).
  notification_settings = function() return wrk.format("GET", "/api/v1/me/notification-settings", headers) end,
  reminder_rules = function() return wrk.format("GET", "/api/v1/settings/reminders", headers) end,
  -- ... and their writes: a user's e-mail choice and digest time (alternating), the no-follow-up
  -- days of one category and the pool rules' warning days (admin; the rules stay as enabled as
  -- they were).
  notification_settings_put = function()
    counter = counter + 1
    local on = (counter % 2 == 0) and "true" or "false"
    local body = '{"email":{"next_contact":' .. on .. '},"digest":{"enabled":true,"time":"08:' ..
      string.format("%02d", counter % 60) .. '"}}'
    return wrk.format("PUT", "/api/v1/me/notification-settings", post_headers, body)
  end,
  reminder_rules_put = function()
    counter = counter + 1
    local body = '{"no_followup":{"days":{"core":' .. (7 + counter % 20) .. '}}}'
    return wrk.format("PUT", "/api/v1/settings/reminders", post_headers, body)
  end,
  pool_rules_put = function()
    counter = counter + 1
    return wrk.format("PUT", "/api/v1/settings/pool-rules", post_headers,
      '{"warn_days":' .. (3 + counter % 4) .. '}')
  end,
  -- Issue 16, contracts: the records customer's contracts (with its totals), and a payment of
  -- 0.01 against its contract of 10^12 (checked, allocated, audited; never exhausted).
  contract_list = function() return wrk.format("GET", records_base .. "/contracts", headers) end,
  payment_create = function()
    return wrk.format("POST", "/api/v1/payments", post_headers,
      '{"contract_id":' .. contract_id .. ',"received_on":"2026-12-05","amount":"0.01"}')
  end,

  -- Issue 16, quotes: a draft's 200 lines replaced (checked, priced, totalled, audited), and the
  -- PDF of a 50-line quote (Pango/Cairo, three A4 pages).
  quote_lines_put = function()
    return wrk.format("PUT", "/api/v1/quotes/" .. quote_put_id .. "/lines", post_headers,
      quote_lines_body)
  end,
  quote_pdf = function()
    return wrk.format("GET", "/api/v1/quotes/" .. quote_pdf_id .. "/pdf",
      { ["Authorization"] = "Bearer " .. token })
  end,

  -- Issue 16: every contract and quote the caller may read, across customers (the kit's
  -- listed_across: the customer list's rule as SQL), first page.
  contract_across = function() return wrk.format("GET", "/api/v1/contracts?page_size=50", headers) end,
  quote_across = function() return wrk.format("GET", "/api/v1/quotes?page_size=50", headers) end,
  -- An opportunity's timeline (its audit rows, needs, solutions, activities, quotes) and stage
  -- history; the prices quoted and paid before for 20 products (the quote editor's hints).
  opportunity_timeline = function()
    return wrk.format("GET", "/api/v1/opportunities/" .. opportunity_id .. "/timeline", headers)
  end,
  stage_history = function()
    return wrk.format("GET", "/api/v1/opportunities/" .. opportunity_id .. "/stage-history", headers)
  end,
  product_prices = function()
    local first = {}
    for id in quote_products:gmatch("%d+") do
      if #first < 20 then first[#first + 1] = id end
    end
    return wrk.format("GET", records_base .. "/product-prices?product_ids=" ..
      table.concat(first, ","), headers)
  end,
  -- Issue 17, templates: an SMS template rendered for the records customer (its variables read,
  -- counted), and a new SMS template (variables checked against the custom fields, counted,
  -- audited; the administrator's).
  template_preview = function()
    return wrk.format("POST", "/api/v1/templates/" .. template_id .. "/preview", post_headers,
      '{"customer_id":' .. records_id .. '}')
  end,
  template_create = function()
    counter = counter + 1
    return wrk.format("POST", "/api/v1/templates", post_headers,
      '{"name":"基准模板 ' .. nonce .. "-" .. counter .. '","channel":"sms","signature":"关系科技",' ..
      '"body":"{{contact.name}}您好，{{customer.name}}的专属顾问{{owner.display_name}}' ..
      '（{{owner.phone}}）提醒您：新版报价已发送，请查收。"}')
  end,
  -- Issue 16, pipeline: the default pipeline's board through the caller's scope.
  pipeline_board = function() return wrk.format("GET", "/api/v1/pipelines/1/board", headers) end,
  followup = function()
    local body = '{"kind":"call","content":"基准测试：电话回访，客户确认下周报价。"}'
    return wrk.format("POST", "/api/v1/customers/" .. next_id() .. "/followups", post_headers, body)
  end,
}
-- A working day's mix: mostly reading lists and customers, some searching, some writing.
local mix = { "list", "list", "list", "get", "get", "get", "search2", "search2", "search4", "followup" }
builders.mix = function()
  counter = counter + 1
  return builders[mix[(counter % #mix) + 1]]()
end

local build = builders[route]
if build == nil then error("unknown BENCH_ROUTE " .. route) end

function request()
  return build()
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local json = string.format(
    '{"route":"%s","requests":%d,"seconds":%.3f,"rps":%.1f,"p50_ms":%.3f,"p90_ms":%.3f,"p99_ms":%.3f,' ..
    '"max_ms":%.3f,"mean_ms":%.3f,"errors_connect":%d,"errors_read":%d,"errors_write":%d,' ..
    '"errors_status":%d,"errors_timeout":%d,"bytes":%d}',
    route, summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, latency.mean / 1000, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout, summary.bytes)
  if out_path ~= "" then
    local f = io.open(out_path, "w")
    f:write(json, "\n")
    f:close()
  else
    io.write(json, "\n")
  end
end
