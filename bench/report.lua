-- wrk script: "warm" repeats one address; "cold" adds a different query string to every
-- request, so each one misses the page cache and is rendered in full. An address holding "{n}"
-- gets a random number there (step * 0..count-1, arguments 3 and 4): a different page each
-- time. Prints one JSON line.
local base, mode = "/", "warm"
local step, count = 1, 1
local counter = 0
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

function init(args)
  base = args[1] or "/"
  mode = args[2] or "warm"
  step = tonumber(args[3] or "1")
  count = tonumber(args[4] or "1")
  math.randomseed(os.time() * 100 + (id or 0))
end

function request()
  counter = counter + 1
  local path = string.gsub(base, "{n}", function() return tostring(step * math.random(0, count - 1)) end)
  if mode == "cold" then
    local joiner = string.find(path, "?", 1, true) and "&" or "?"
    path = path .. joiner .. "bench=" .. (id or 0) .. "-" .. counter .. "-" .. math.random(1, 1000000000)
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
