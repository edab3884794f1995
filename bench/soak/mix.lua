-- wrk script for bench/soak/run.sh: a fixed weighted mix of request types,
-- exactly SOAK_COUNT requests per wrk thread, a tally of the request types
-- printed at the end (lines starting with "SOAK ").
--
-- Environment (set by run.sh):
--   SOAK_COUNT      requests per thread
--   SOAK_CONNS_PER_THREAD  wrk -c / -t
--   SOAK_MIX        "type=weight,..." (weights are integers, any total)
--   SOAK_TARGET     keel | fastapi  (PDF paths differ, the peer needs no keys)
--   SOAK_BOOKING_ID, SOAK_TOKEN      the booking to read (keel)
--   SOAK_ADMIN_KEY                   admin key (keel)
--   SOAK_UPLOAD_ID, SOAK_UPLOAD_SIZE the stored file to download
--   SOAK_REPORT_QUERY                query of the admin report (keel)
--   SOAK_DONE_DIR   a file per thread is written there when it is done, so
--                   run.sh can stop wrk at once (wrk itself would sleep for
--                   the whole -d duration)
--   SOAK_STATUSES   1: also tally response statuses (defines response(),
--                   which makes wrk copy every body into Lua: several times
--                   slower on the 256 KiB downloads, so off by default;
--                   wrk counts non-2xx/3xx responses either way)
--
-- Request types: health, booking_get, booking_create, upload, download,
-- range, static, pdf, report.
--
-- Per thread, the choice of type is a pseudo-random sequence with a fixed
-- seed, so two runs of one mix send the same sequence.
--
-- How the count is exact: wrk calls delay() on a connection before each of
-- its requests, i.e. once at the start and then each time the connection's
-- previous response is complete (no pipelining). delay() hands out the
-- thread's SOAK_COUNT requests; a connection that asks when none is left is
-- parked (a delay of an hour) instead. When every connection of the thread
-- is parked, every request has its response: the thread stops.

local threads = {}
local next_tid = 0

function setup(thread)
  next_tid = next_tid + 1
  thread:set("tid", next_tid)
  table.insert(threads, thread)
end

local function env(name, default)
  local v = os.getenv(name)
  if v == nil or v == "" then return default end
  return v
end

local order = { "health", "booking_get", "booking_create", "upload", "download", "range", "static", "pdf", "report" }

function init(args)
  quota = tonumber(env("SOAK_COUNT", "1000"))
  conns = tonumber(env("SOAK_CONNS_PER_THREAD", "1"))
  target = env("SOAK_TARGET", "keel")
  booking_id = env("SOAK_BOOKING_ID", "1")
  token = env("SOAK_TOKEN", "")
  admin_key = env("SOAK_ADMIN_KEY", "")
  upload_id = env("SOAK_UPLOAD_ID", "")
  upload_size = tonumber(env("SOAK_UPLOAD_SIZE", "262144"))
  report_query = env("SOAK_REPORT_QUERY", "")
  done_dir = env("SOAK_DONE_DIR", "")

  -- Cumulative weights.
  local weights = {}
  for kv in string.gmatch(env("SOAK_MIX", "health=1"), "[^,]+") do
    local k, v = string.match(kv, "^%s*([%w_]+)%s*=%s*(%d+)%s*$")
    if k == nil then error("SOAK_MIX: bad item " .. kv) end
    weights[k] = tonumber(v)
  end
  cumulative = {}
  total_weight = 0
  for _, k in ipairs(order) do
    local w = weights[k] or 0
    if w > 0 then
      total_weight = total_weight + w
      table.insert(cumulative, { total_weight, k })
    end
    weights[k] = nil
  end
  for k, _ in pairs(weights) do error("SOAK_MIX: unknown type " .. k) end
  if total_weight == 0 then error("SOAK_MIX: empty mix") end

  math.randomseed(1000 + tid)

  -- Upload bodies of 4, 8, 12 and 16 KiB (content is irrelevant).
  bodies = {}
  for i = 1, 4 do
    local unit = string.format("%-64s", "soak upload body " .. i .. " thread " .. tid)
    bodies[i] = string.rep(unit, i * 4096 / 64)
  end

  -- Bookings: a service of its own per thread and 15-minute slots one after
  -- another from 2030-01-01, so no two creates ever overlap.
  service = "soak-t" .. tid
  slot_base = 1893456000 -- 2030-01-01T00:00:00Z
  slots = 0

  issued = 0
  generated = 0
  parked = 0
  types = {}
  statuses = {}

  health_req = wrk.format("GET", "/api/health")
  static_req = wrk.format("GET", "/static/4k.bin")
  download_req = wrk.format("GET", "/api/uploads/" .. upload_id)
  if target == "keel" then
    booking_get_req = wrk.format("GET", "/api/bookings/" .. booking_id, { ["Authorization"] = "Bearer " .. token })
    pdf_req = wrk.format("GET", "/api/bookings/" .. booking_id .. "/pdf", { ["Authorization"] = "Bearer " .. token })
    report_req = wrk.format("GET", "/api/admin/bookings/report.pdf" .. report_query, { ["X-API-Key"] = admin_key })
  else
    -- The reference peer has no bookings: a one-page PDF stands for the
    -- confirmation, a three-page one for the report.
    pdf_req = wrk.format("GET", "/api/pdf?pages=1")
    report_req = wrk.format("GET", "/api/pdf?pages=3")
  end
end

local function pick()
  local r = math.random(1, total_weight)
  for _, c in ipairs(cumulative) do
    if r <= c[1] then return c[2] end
  end
  return cumulative[#cumulative][2]
end

local function make(kind)
  if kind == "health" then return health_req
  elseif kind == "static" then return static_req
  elseif kind == "download" then return download_req
  elseif kind == "booking_get" then return booking_get_req
  elseif kind == "pdf" then return pdf_req
  elseif kind == "report" then return report_req
  elseif kind == "range" then
    local len = math.random(1, 65536)
    local first = math.random(0, upload_size - len)
    return wrk.format("GET", "/api/uploads/" .. upload_id,
      { ["Range"] = string.format("bytes=%d-%d", first, first + len - 1) })
  elseif kind == "upload" then
    local i = math.random(1, 4)
    local headers = { ["Content-Type"] = "application/octet-stream",
                      ["X-Filename"] = string.format("soak-%d-%d.bin", tid, generated) }
    -- keel: half with the admin key, half with the booking's token
    -- (attached to the booking); the peer needs no credentials.
    if target == "keel" then
      if generated % 2 == 0 then headers["X-API-Key"] = admin_key
      else headers["Authorization"] = "Bearer " .. token end
    end
    return wrk.format("POST", "/api/uploads", headers, bodies[i])
  elseif kind == "booking_create" then
    local starts = os.date("!%Y-%m-%dT%H:%M:%SZ", slot_base + slots * 900)
    slots = slots + 1
    local body = string.format('{"name":"Soak","email":"soak@example.com","service":"%s","starts_at":"%s","duration_minutes":15}',
      service, starts)
    return wrk.format("POST", "/api/bookings", { ["Content-Type"] = "application/json" }, body)
  end
  error("unknown kind " .. kind)
end

function delay()
  if issued < quota then
    issued = issued + 1
    return 0
  end
  parked = parked + 1
  if parked == conns then
    if done_dir ~= "" then
      local f = io.open(done_dir .. "/thread-" .. tid, "w")
      if f then f:write(issued, "\n"); f:close() end
    end
    wrk.thread:stop()
  end
  return 3600 * 1000
end

function request()
  -- wrk calls request() once on thread 1 before the run to check the
  -- script; that one is never sent and is not counted (no delay() before it).
  if issued == 0 then return health_req end
  generated = generated + 1
  local kind = pick()
  types[kind] = (types[kind] or 0) + 1
  return make(kind)
end

if os.getenv("SOAK_STATUSES") == "1" then
  function response(status, headers, body)
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local t_types, t_status = {}, {}
  local gen, parks = 0, 0
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("types") or {}) do t_types[k] = (t_types[k] or 0) + v end
    for k, v in pairs(t:get("statuses") or {}) do t_status[k] = (t_status[k] or 0) + v end
    gen = gen + (t:get("generated") or 0)
    parks = parks + (t:get("parked") or 0)
  end
  for _, k in ipairs(order) do
    if t_types[k] then io.write(string.format("SOAK type %s %d\n", k, t_types[k])) end
  end
  for k, v in pairs(t_status) do io.write(string.format("SOAK status %d %d\n", k, v)) end
  io.write(string.format("SOAK generated %d\n", gen))
  io.write(string.format("SOAK parked %d\n", parks))
  io.write(string.format("SOAK responses %d\n", summary.requests))
  io.write(string.format("SOAK non2xx %d\n", summary.errors.status))
  io.write(string.format("SOAK wrk_duration_us %d\n", summary.duration))
  io.write(string.format("SOAK wrk_errors connect=%d read=%d write=%d status=%d timeout=%d\n",
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout))
  io.write(string.format("SOAK latency_ms p50=%.3f p99=%.3f max=%.3f\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
