-- wrk script: every request submits a one-zone reading for the next user, round-robin.
-- Users are split between wrk threads so two threads never race on one meter.
-- users.txt lines: "<token> <account_id> <meter_id> <start value> <client ip>"; args: users file, threads, offset
local users = {}
local counter = 0
local step = 0

function setup(thread)
  thread:set("tid", #threads_seen + 1)
  table.insert(threads_seen, thread)
end
threads_seen = {}

function init(args)
  local tid = tonumber(wrk.thread:get("tid"))
  local nthreads = tonumber(args[2])
  local offset = tonumber(args[3])  -- each run starts above the previous run's readings
  local i = 0
  for line in io.lines(args[1]) do
    if i % nthreads == tid - 1 then
      local token, account, meter, value, ip = line:match("(%S+) (%S+) (%S+) (%S+) (%S+)")
      table.insert(users, {token = token, account = account, meter = meter, value = tonumber(value) + offset,
                           ip = ip})
    end
    i = i + 1
  end
end

function request()
  counter = counter + 1
  local u = users[(counter - 1) % #users + 1]
  u.value = u.value + 0.5
  local body = string.format('{"meter_id": "%s", "values": {"total": "%.3f"}}', u.meter, u.value)
  local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. u.token,
                   ["X-Forwarded-For"] = u.ip}
  return wrk.format("POST", "/api/v1/accounts/" .. u.account .. "/readings", headers, body)
end

function done(summary, latency, requests)
  io.write(string.format("non-2xx/3xx: %d\n", summary.errors.status))
  io.write(string.format("percentiles_ms: p50 %.2f p95 %.2f p99 %.2f\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
