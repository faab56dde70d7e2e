-- JSON login cycling over the seeded users (args[1]: one email per line; args[2]: their password).
local C = dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
setup = C.setup
statuses, extra = {}, {}
local reqs, i = {}, 0

function init(args)
  local emails, index = C.my_lines(args[1], id, tonumber(args[4]))
  for k, email in ipairs(emails) do
    local body = '{"email":"' .. email .. '","password":"' .. args[2] .. '"}'
    local headers = { ["Content-Type"] = "application/json", ["X-Forwarded-For"] = C.client_ip(index[k]) }
    table.insert(reqs, wrk.format("POST", args[3], headers, body))
  end
end

function request()
  i = i % #reqs + 1
  return reqs[i]
end

function response(status, headers, body) C.count(status) end
done = C.done
