-- Endless execute-with-item load that provisions for itself: each thread creates schedules of 50 dated
-- items and executes their items one by one, round-robin over at least connections+1 schedules so an
-- item's predecessor has always been answered (it must be the earliest Pending item when executed).
-- Arguments: bearer token, connections per thread.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  headers = {
    ["Authorization"] = "Bearer " .. args[1],
    ["Content-Type"] = "application/json",
    ["Zuora-Version"] = "2024-05-20",
  }
  spread = tonumber(args[2]) + 1
  active, cursor, creating = {}, 1, 0
  executes, creates, failures = 0, 0, 0
  local items = {}
  for k = 1, 50 do
    items[k] = string.format('{"name":"soak %d","runDate":"2030-01-10","amount":1}', k)
  end
  create_body = '{"accountKey":"A00000001","scheduleItems":[' .. table.concat(items, ",") .. ']}'
end

function request()
  if #active < spread or #active + creating < 4 * spread then
    creating = creating + 1
    return wrk.format("POST", "/v1/invoice-schedules", headers, create_body)
  end
  cursor = cursor % #active + 1
  local schedule = active[cursor]
  local item = schedule.items[schedule.next]
  schedule.next = schedule.next + 1
  if schedule.next > #schedule.items then
    table.remove(active, cursor)
    cursor = cursor - 1
  end
  executes = executes + 1
  local body = '{"scheduleItemId":"' .. item .. '"}'
  return wrk.format("POST", "/v1/invoice-schedules/" .. schedule.id .. "/execute", headers, body)
end

function response(status, headers, body)
  if status ~= 200 then
    failures = failures + 1
  end
  if body:find('"number":"IS-', 1, true) then
    creating = creating - 1
    creates = creates + 1
    local schedule = {id = body:match('^{"id":"(%x+)"'), items = {}, next = 1}
    for item in body:gmatch('{"id":"(%x+)","name"') do
      table.insert(schedule.items, item)
    end
    table.insert(active, schedule)
  end
end

function done(summary, latency, requests)
  local total = {executes = 0, creates = 0, failures = 0}
  for _, thread in ipairs(threads) do
    for name, _ in pairs(total) do
      total[name] = total[name] + thread:get(name)
    end
  end
  io.write(string.format(
    'WRK_JSON {"requests":%d,"seconds":%.3f,"executes":%d,"creates":%d,"non2xx":%d,"failures":%d,' ..
    '"socket_errors":%d,"p50_us":%d,"p99_us":%d,"p999_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration / 1e6, total.executes, total.creates, summary.errors.status, total.failures,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9), latency.max))
end
