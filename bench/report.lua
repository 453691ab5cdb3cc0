-- wrk script: "warm" repeats one address; "cold" adds a different query string to every
-- request, so each one misses the page cache and is rendered in full. Prints one JSON line.
local base, mode = "/", "warm"
local counter = 0
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

function init(args)
  base = args[1] or "/"
  mode = args[2] or "warm"
  math.randomseed(os.time() * 100 + (id or 0))
end

function request()
  counter = counter + 1
  local path = base
  if mode == "cold" then
    local joiner = string.find(base, "?", 1, true) and "&" or "?"
    path = base .. joiner .. "bench=" .. (id or 0) .. "-" .. counter .. "-" .. math.random(1, 1000000000)
  end
  return wrk.format("GET", path)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "errors": %d, "bytes": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration,
    errors.connect + errors.read + errors.write + errors.status + errors.timeout,
    summary.bytes, latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
