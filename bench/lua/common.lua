-- Shared by every scenario script: thread numbering, status accounting and the JSON summary the
-- runner parses. wrk gives each thread its own Lua state; setup()/done() run in the main state.
local M = {}
local threads = {}

function M.setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function M.nthreads() return #threads end

-- Lines of a data file that belong to this thread (round-robin split), so threads never share
-- a user's credentials or a refresh chain. Also returns each line's index in the whole file.
function M.my_lines(path, id, nthreads)
  local out, index, k = {}, {}, 0
  for line in io.lines(path) do
    if line ~= "" then
      if k % nthreads == id then
        table.insert(out, line)
        table.insert(index, k)
      end
      k = k + 1
    end
  end
  return out, index
end

-- Real traffic comes from many addresses, and per-IP throttling keeps state per address: every
-- virtual client gets its own address from the benchmarking range (198.18.0.0/15, RFC 2544), presented in
-- X-Forwarded-For, which the backend honours from its loopback proxy (TRUST_PROXY=127.0.0.1).
function M.client_ip(n)
  n = n % 131072
  return string.format("198.%d.%d.%d", 18 + math.floor(n / 65536), math.floor(n / 256) % 256, n % 256)
end

function M.count(status)
  statuses[status] = (statuses[status] or 0) + 1
end

function M.done(summary, latency, requests)
  local merged, extra = {}, {}
  for _, t in ipairs(threads) do
    for s, n in pairs(t:get("statuses") or {}) do merged[s] = (merged[s] or 0) + n end
    for k, n in pairs(t:get("extra") or {}) do extra[k] = (extra[k] or 0) + n end
  end
  local parts = {}
  for s, n in pairs(merged) do table.insert(parts, string.format('"%d":%d', s, n)) end
  local xparts = {}
  for k, n in pairs(extra) do table.insert(xparts, string.format('"%s":%d', k, n)) end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"socket_errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d},"status_errors":%d,' ..
    '"latency_us":{"p50":%d,"p90":%d,"p99":%d,"max":%d,"mean":%.1f},"statuses":{%s},"extra":{%s}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.timeout, e.status,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
    table.concat(parts, ","), table.concat(xparts, ",")))
end

return M
