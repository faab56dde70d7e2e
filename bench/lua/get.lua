-- GET with a bearer token; the tokens (one per line, args[1]) are spread over threads and cycled,
-- so requests come from many users (one client address each), as in production. args[2] = path.
local C = dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
setup = C.setup
statuses, extra = {}, {}
local reqs, i = {}, 0

function init(args)
  local path = args[2]
  local tokens, index = C.my_lines(args[1], id, tonumber(args[3]))
  for k, token in ipairs(tokens) do
    table.insert(reqs, wrk.format("GET", path, { Authorization = "Bearer " .. token, ["X-Forwarded-For"] = C.client_ip(index[k]) }))
  end
  if #reqs == 0 then reqs = { wrk.format("GET", path) } end
end

function request()
  i = i % #reqs + 1
  return reqs[i]
end

function response(status, headers, body) C.count(status) end
done = C.done
