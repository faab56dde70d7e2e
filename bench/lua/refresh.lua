-- Refresh-token rotation. Each chain (one per line of args[1], one session each) is only ever
-- presented by one in-flight request: request() takes a chain's current token out of this thread's
-- pool, response() puts the rotated token back. wrk writes the next request of a connection only
-- after its response was handled, so with at least as many chains as connections the pool never
-- runs dry while everything succeeds; a failed rotation loses its chain ("lost" below).
local C = dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
setup = C.setup
statuses, extra = { }, { lost = 0, empty = 0 }
local pool, path, n = {}, "", 0

function init(args)
  path = args[2]
  pool = C.my_lines(args[1], id, tonumber(args[3]))
end

function request()
  local token = table.remove(pool, 1)
  if token == nil then
    extra.empty = extra.empty + 1
    token = "pool-exhausted"
  end
  -- Responses carry no request identity, so addresses rotate per request rather than per chain.
  n = n + 1
  local headers = { ["Content-Type"] = "application/json", ["X-Forwarded-For"] = C.client_ip(id * 65536 + n % 1024) }
  return wrk.format("POST", path, headers, '{"refresh_token":"' .. token .. '"}')
end

function response(status, headers, body)
  C.count(status)
  local next = status == 200 and body:match('"refresh_token"%s*:%s*"([^"]+)"')
  if next then table.insert(pool, next) else extra.lost = extra.lost + 1 end
end

done = C.done
