-- wrk script: every request checks a different voter in (POST /api/v1/elections/1/check-ins)
-- with a staff session. Arguments: the roll-numbers file, the number of wrk threads, the
-- session cookie, the session's CSRF token, the round id, the box id.
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  numbers = {}
  local n = tonumber(args[2])
  local i = 0
  for line in io.lines(args[1]) do
    if i % n == id then table.insert(numbers, line) end
    i = i + 1
  end
  session, csrf, round, box = args[3], args[4], args[5], args[6]
  counter = 0
end

function request()
  counter = counter + 1
  local number = numbers[counter]
  if number == nil then return wrk.format("GET", "/out-of-voters") end
  return wrk.format("POST", "/api/v1/elections/1/check-ins", {
    ["Content-Type"] = "application/json",
    ["Cookie"] = "xy_session=" .. session,
    ["X-CSRF-Token"] = csrf,
  }, '{"round":' .. round .. ',"box":' .. box .. ',"number":' .. number .. '}')
end
