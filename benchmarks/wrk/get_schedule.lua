-- GET one invoice schedule, over and over. Arguments: schedule key, bearer token.
function init(args)
  path = "/v1/invoice-schedules/" .. args[1]
  headers = {
    ["Authorization"] = "Bearer " .. args[2],
    ["Accept"] = "application/json",
    ["Zuora-Version"] = "2024-05-20",
  }
end

function request()
  return wrk.format("GET", path, headers)
end
