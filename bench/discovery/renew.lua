-- wrk script: heartbeats (PUT apps/{app}/{id}) for the benchmark's instances, cycling over them.
local count = tonumber(os.getenv("BENCH_INSTANCES") or "500")
local i = 0

function setup(thread)
  thread:set("offset", math.random(0, count - 1))
end

function init(args)
  i = tonumber(offset) or 0
  -- Each app's own credential (run.sh exports BENCH_AUTH_<n>): discovery refuses anonymous writes.
  auth = {}
  for n = 0, 9 do
    auth[n] = os.getenv("BENCH_AUTH_" .. n)
  end
end

function request()
  i = (i + 1) % count
  local path = string.format("/eureka/apps/BENCH-%d/bench-host-%d:bench:%d?status=UP", i % 10, i, 8000 + i)
  return wrk.format("PUT", path, { ["Authorization"] = auth[i % 10] })
end
