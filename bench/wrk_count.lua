-- wrk script: stop after a fixed number of responses (env WRK_COUNT), split
-- across threads; used to measure RSS after exactly N requests.
local per_thread = nil
local done = 0
function setup(thread) thread:set("n", tonumber(os.getenv("WRK_COUNT") or "100000")) end
function init(args) per_thread = n end
function response(status, headers, body)
  done = done + 1
  if done >= per_thread then wrk.thread:stop() end
end
