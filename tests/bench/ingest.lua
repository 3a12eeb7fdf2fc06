-- wrk script for the ingest endpoint: each thread sends its own share of the pre-signed requests
-- (requests.lua, made by eenplan-ingest-requests), so no request is a replay of another.
local requests = dofile(os.getenv("EENPLAN_REQUESTS"))
local threads = 0

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

function done(summary, latency, requests_made)
  io.write(string.format("requests %d, p50 %.2f ms, p99 %.2f ms, errors %d\n", summary.requests,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
