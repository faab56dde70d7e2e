-- GET with a bearer token; the tokens (one per line, args[1]) are spread over threads and cycled,
-- so requests come from many users, as in production. args[2] = request path.
local C = dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
setup = C.setup
statuses, extra = {}, {}
local reqs, i = {}, 0

function init(args)
  local path = args[2]
  for _, token in ipairs(C.my_lines(args[1], id, tonumber(args[3]))) do
    table.insert(reqs, wrk.format("GET", path, { Authorization = "Bearer " .. token }))
  end
  if #reqs == 0 then reqs = { wrk.format("GET", path) } end
end

function request()
  i = i % #reqs + 1
  return reqs[i]
end

function response(status, headers, body) C.count(status) end
done = C.done
