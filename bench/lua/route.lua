-- One wrk script for every route of the benchmark. bench/run logs in (POST /api/v1/auth/login)
-- and passes the session token and a file of visible customer ids; this script sends the route
-- named by BENCH_ROUTE with `Authorization: Bearer <token>` and, in done(), writes the latency
-- percentiles, throughput and error counts as JSON to BENCH_OUT.
--
-- Routes: healthz | list | search2 | search4 | get | followup | customer_create | mailing_create |
-- mailing_list | timeline | mix
local route = os.getenv("BENCH_ROUTE") or "healthz"
local token = os.getenv("BENCH_TOKEN") or ""
local ids_file = os.getenv("BENCH_IDS") or ""
local q2 = os.getenv("BENCH_Q2") or "华强"
local q4 = os.getenv("BENCH_Q4") or "华强科技"
local out_path = os.getenv("BENCH_OUT") or ""
-- The customer with 1,000 timeline entries bench/tools/driver.py makes (timeline_customer).
local timeline_id = os.getenv("BENCH_TIMELINE_ID") or "1"

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
local post_headers = {
  ["Authorization"] = "Bearer " .. token,
  ["Content-Type"] = "application/json",
  ["Accept"] = "application/json",
}

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
