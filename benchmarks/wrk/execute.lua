-- POST execute naming an item. Every item can be billed once and must be its schedule's earliest
-- Pending one, so each wrk thread walks its own schedules round-robin (item k of every schedule,
-- then item k+1): with at least as many schedules per thread as connections per thread, the
-- request for item k of a schedule is always answered before item k+1 of it is sent.
-- Arguments: items file ("thread scheduleId itemId" lines), bearer token, thread count.
local threads = {}

function setup(thread)
  thread:set("index", #threads)
  table.insert(threads, thread)
end

function init(args)
  -- wrk calls request() once on the first thread's state to check the script and never sends that
  -- request; that thread starts one step back, so its first item is still sent.
  mine, next_item = {}, index == 0 and -1 or 0
  for line in io.lines(args[1]) do
    local owner, schedule, item = line:match("^(%d+) (%S+) (%S+)$")
    if tonumber(owner) == index then
      table.insert(mine, {schedule, item})
    end
  end
  headers = {
    ["Authorization"] = "Bearer " .. args[2],
    ["Content-Type"] = "application/json",
    ["Accept"] = "application/json",
    ["Zuora-Version"] = "2024-05-20",
  }
end

function request()
  next_item = next_item + 1
  local pick = mine[(math.max(next_item, 1) - 1) % #mine + 1]
  local body = '{"scheduleItemId":"' .. pick[2] .. '"}'
  return wrk.format("POST", "/v1/invoice-schedules/" .. pick[1] .. "/execute", headers, body)
end
