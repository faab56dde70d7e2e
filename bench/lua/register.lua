-- Registration with a fresh address per request: args[1] a run-unique prefix, args[2] the password.
local C = dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
setup = C.setup
statuses, extra = {}, {}
local n, prefix, password, path = 0, "", "", ""

function init(args)
  prefix, password, path = args[1], args[2], args[3]
end

function request()
  n = n + 1
  local body = string.format('{"email":"%s-t%d-%d@bench.test","password":"%s","name":"Bench"}', prefix, id, n, password)
  local headers = { ["Content-Type"] = "application/json", ["X-Forwarded-For"] = C.client_ip(id * 65536 + n) }
  return wrk.format("POST", path, headers, body)
end

function response(status, headers, body) C.count(status) end
done = C.done
