-- JSON login cycling over the seeded users (args[1]: one email per line; args[2]: their password).
local C = dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
setup = C.setup
statuses, extra = {}, {}
local reqs, i = {}, 0

function init(args)
  for _, email in ipairs(C.my_lines(args[1], id, tonumber(args[4]))) do
    local body = '{"email":"' .. email .. '","password":"' .. args[2] .. '"}'
    table.insert(reqs, wrk.format("POST", args[3], { ["Content-Type"] = "application/json" }, body))
  end
end

function request()
  i = i % #reqs + 1
  return reqs[i]
end

function response(status, headers, body) C.count(status) end
done = C.done
