-- wrk script for the gateway benchmark (bench/gateway/run.sh).
-- env: BENCH_TOKEN (access token), BENCH_METHOD (GET or PUT), BENCH_PATH (path; for PUT the
-- transaction id is appended), BENCH_BODY (PUT body), BENCH_LABEL (printed with the result).
local token = os.getenv("BENCH_TOKEN")
local method = os.getenv("BENCH_METHOD") or "GET"
local path = os.getenv("BENCH_PATH")
local body = os.getenv("BENCH_BODY") or ""
local label = os.getenv("BENCH_LABEL") or "run"
local run = os.getenv("BENCH_RUN") or tostring(os.time())

-- Each wrk thread has its own Lua state: `tid` (set in setup) keeps transaction ids unique.
local next_id = 1
function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
end

local counter = 0
function init(args)
  wrk.headers["Authorization"] = "Bearer " .. token
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  if method == "PUT" then
    counter = counter + 1
    return wrk.format("PUT", path .. run .. "-" .. tid .. "-" .. counter, nil, body)
  end
  return wrk.format(method, path)
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  -- One machine-readable line per run: label, requests/s, latency percentiles in microseconds.
  io.write(string.format(
    "RESULT label=%s requests=%d seconds=%.3f rps=%.1f p50=%d p90=%d p99=%d mean=%.1f errors=%d status_errors=%d\n",
    label, summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean,
    errors, summary.errors.status))
end
