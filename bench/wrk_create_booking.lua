-- wrk script: POST /api/bookings with a new, non-overlapping slot each time
-- (one service per wrk thread and connection counter, 15-minute slots).
local counter = 0
local tid = 0
local thread_index = 0
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
  local minutes = counter * 15
  local day = math.floor(minutes / 1440)
  local rest = minutes % 1440
  local starts = string.format("2040-01-01T00:00:00Z")
  -- add day/hour/minute offsets via a big year offset table is overkill: spread over days
  local y = 2040 + math.floor(day / 360)
  local m = 1 + math.floor((day % 360) / 30)
  local d = 1 + (day % 30) % 28
  starts = string.format("%04d-%02d-%02dT%02d:%02d:00Z", y, m, d, math.floor(rest / 60), rest % 60)
  local body = string.format('{"name":"Bench","email":"bench@example.com","service":"%s","starts_at":"%s","duration_minutes":15}', service, starts)
  return wrk.format("POST", "/api/bookings", {["Content-Type"] = "application/json"}, body)
end
