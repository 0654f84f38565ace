-- wrk script for bench/load/run.py.
-- Arguments (after `--`): mode ("get" or "post") and, for "post", a file holding the JSON body
-- of a session log with placeholders @ID0@, @ID1@, ... that each request fills with fresh UUIDs.
-- At the end it prints one line, "WRKJSON {...}", with throughput, percentiles and errors.

local threads = {}
local counter = 0
local mode = "get"
local template = nil
local nonce = 0

function setup(thread)
  thread:set("thread_no", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  mode = args[1] or "get"
  nonce = tonumber(args[3] or "0") or 0
  if mode == "post" then
    local f = assert(io.open(args[2], "r"))
    template = f:read("*a")
    f:close()
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/json"
  end
end

-- A UUID (version 4 layout) unique within the run: run nonce, thread number, counter, slot.
local function uuid(slot)
  return string.format(
    "%08x-%04x-4%03x-8%03x-%012x", nonce, thread_no or 0, slot, 0, counter
  )
end

function request()
  if mode ~= "post" then
    return wrk.format()
  end
  counter = counter + 1
  local body = template:gsub("@ID(%d+)@", function(n) return uuid(tonumber(n)) end)
  return wrk.format(nil, nil, nil, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, '
      .. '"non2xx3xx": %d, "connect": %d, "read": %d, "write": %d, "timeout": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.status, e.connect, e.read, e.write, e.timeout
  ))
end
