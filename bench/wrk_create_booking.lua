-- wrk script: POST /api/bookings with a new, non-overlapping slot each time
-- (one service per wrk thread, consecutive 15-minute slots from 2040 on).
local counter = 0
local tid = 0
local thread_index = 0
local base = 2208988800  -- 2040-01-01T00:00:00Z
function setup(thread)
  thread_index = thread_index + 1
  thread:set("tid", thread_index)
end
function init(args)
  math.randomseed(os.time() + tid)
  service = "bench-" .. tid .. "-" .. math.random(1, 1000000000)
end
function request()
  counter = counter + 1
  local starts = os.date("!%Y-%m-%dT%H:%M:00Z", base + counter * 900)
  local body = string.format('{"name":"Bench","email":"bench@example.com","service":"%s","starts_at":"%s","duration_minutes":15}', service, starts)
  return wrk.format("POST", "/api/bookings", {["Content-Type"] = "application/json"}, body)
end
