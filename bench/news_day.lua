-- wrk script for a news day: readers ask for articles among the newest (80 %, Zipf popularity
-- with s = 1: a few hot, a long tail), section pages (15 %) and the front page (5 %).
--
-- Arguments: a file of article paths, newest first (one per line; rank k is chosen with
-- probability proportional to 1/k, through a fixed shuffle so the hot ones are not simply the
-- newest), a file of section paths, the front page's path. Prints one JSON line with the
-- latency percentiles and how many answers said "X-Page-Cache: hit" or "X-Cache: HIT".
local articles, sections, front = {}, {}, "/"
local cumulative = {}
local counter = 0
hits = 0  -- global: done() reads it from each thread
local threads = {}

local function lines(path)
  local found = {}
  for line in io.lines(path) do
    if #line > 0 then found[#found + 1] = line end
  end
  return found
end

function setup(thread)
  thread:set("id", #threads + 1)
  threads[#threads + 1] = thread
end

function init(args)
  articles = lines(args[1])
  sections = lines(args[2])
  front = args[3] or "/"
  -- A fixed shuffle of the ranks (the same in every thread and every run).
  math.randomseed(2026)
  for i = #articles, 2, -1 do
    local j = math.random(1, i)
    articles[i], articles[j] = articles[j], articles[i]
  end
  local total = 0
  for k = 1, #articles do
    total = total + 1 / k
    cumulative[k] = total
  end
  for k = 1, #articles do cumulative[k] = cumulative[k] / total end
  math.randomseed(os.time() * 100 + (id or 0))
end

local function zipf()
  local r, low, high = math.random(), 1, #cumulative
  while low < high do
    local middle = math.floor((low + high) / 2)
    if cumulative[middle] < r then low = middle + 1 else high = middle end
  end
  return articles[low]
end

function request()
  counter = counter + 1
  local r = math.random()
  local path
  if r < 0.80 then
    path = zipf()
  elseif r < 0.95 then
    path = sections[math.random(1, #sections)]
  else
    path = front
  end
  return wrk.format("GET", path)
end

function response(status, headers, body)
  -- Through Varnish, its own answer (X-Cache) counts; the page it keeps also carries the app
  -- server's X-Page-Cache from when it was fetched.
  local state = headers["X-Cache"] or headers["X-Page-Cache"]
  if state == "hit" or state == "HIT" then hits = hits + 1 end
end

function done(summary, latency, requests)
  local cached = 0
  for _, thread in ipairs(threads) do cached = cached + (thread:get("hits") or 0) end
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "errors": %d, "bytes": %d, "hits": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration,
    errors.connect + errors.read + errors.write + errors.status + errors.timeout,
    summary.bytes, cached, latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
