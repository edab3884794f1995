-- wrk script: POST /api/bookings with a new, non-overlapping slot each time
-- (service bench-1, consecutive 15-minute slots from the epoch second in
-- BENCH_BASE, so each run starts where no earlier run booked).
local counter = 0
local base = 0
function init(args)
  base = tonumber(os.getenv("BENCH_BASE")) or 0
end
function request()
  counter = counter + 1
  local starts = os.date("!%Y-%m-%dT%H:%M:00Z", base + counter * 900)
  local body = string.format('{"name":"Bench","email":"bench@example.com","service":"bench-1","starts_at":"%s","duration_minutes":15}', starts)
  return wrk.format("POST", "/api/bookings", {["Content-Type"] = "application/json"}, body)
end
