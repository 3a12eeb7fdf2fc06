-- wrk script for the ingest endpoint: each thread sends its own share of the pre-signed requests
-- (requests.lua, made by eenplan-ingest-requests), so no request is a replay of another.
-- With EENPLAN_RATE=<requests/s> the load is paced to that rate over all threads: each thread
-- keeps a schedule of send times (CLOCK_MONOTONIC through LuaJIT's ffi) and wrk's delay() holds a
-- connection until the next slot. wrk measures latency from the send, so a request that waits
-- for a free connection is not counted as waiting (no coordinated-omission correction); the
-- achieved rate is printed to show that the schedule was kept.
local requests = dofile(os.getenv("EENPLAN_REQUESTS"))
local threads = 0
local rate = tonumber(os.getenv("EENPLAN_RATE") or "")

function setup(thread)
  thread:set("offset", threads)
  threads = threads + 1
end

function init(args)
  step = tonumber(os.getenv("EENPLAN_THREADS"))
  next_index = offset + 1
end

function request()
  local r = requests[next_index]
  next_index = next_index + step
  if next_index > #requests then next_index = offset + 1 end
  return r
end

if rate then
  local ffi = require("ffi")
  ffi.cdef [[
    struct eenplan_timespec { long tv_sec; long tv_nsec; };
    int clock_gettime(int clock, struct eenplan_timespec* now);
  ]]
  local now_ts = ffi.new("struct eenplan_timespec")
  local function now_ms()
    ffi.C.clock_gettime(1, now_ts)
    return tonumber(now_ts.tv_sec) * 1000 + tonumber(now_ts.tv_nsec) / 1e6
  end
  local slot = nil

  function delay()
    local interval = 1000 * step / rate
    local now = now_ms()
    if slot == nil or slot < now - 1000 then slot = now end  -- start, or more than 1 s behind: no burst to catch up
    slot = slot + interval
    local wait = slot - interval - now
    if wait < 0 then return 0 end
    return math.floor(wait)
  end
end

function done(summary, latency, requests_made)
  io.write(string.format("requests %d, p50 %.2f ms, p99 %.2f ms, errors %d\n", summary.requests,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
