-- wrk script: re-registers the benchmark's instances (POST apps/{app}), cycling over them.
-- Every request is a full registration: validation, a new lease, a delta entry, cache invalidation.
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
  local app = "BENCH-" .. (i % 10)
  local host = "bench-host-" .. i
  local port = 8000 + i
  local body = string.format(
    '{"instance":{"instanceId":"%s:bench:%d","app":"%s","hostName":"%s","ipAddr":"127.0.0.1",' ..
    '"port":{"$":%d,"@enabled":"true"},"securePort":{"$":443,"@enabled":"false"},"vipAddress":"%s","secureVipAddress":"%s",' ..
    '"dataCenterInfo":{"@class":"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo","name":"MyOwn"},' ..
    '"status":"UP","leaseInfo":{"renewalIntervalInSecs":30,"durationInSecs":90},' ..
    '"homePageUrl":"http://%s:%d/","statusPageUrl":"http://%s:%d/actuator/info","healthCheckUrl":"http://%s:%d/actuator/health",' ..
    '"metadata":{"zone":"zone-%d","version":"1.0.0"}}}',
    host, port, app, host, port, string.lower(app), string.lower(app), host, port, host, port, host, port, i % 3)
  return wrk.format("POST", "/eureka/apps/" .. app, { ["Content-Type"] = "application/json", ["Authorization"] = auth[i % 10] }, body)
end
