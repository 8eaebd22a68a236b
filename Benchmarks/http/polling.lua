-- wrk script for Benchmarks/polling-http.sh: every request acts for a different voter.
-- Arguments: the mode, the voters file (one line per voter: a roll number for check-in, a
-- voter-session token for casting), the number of wrk threads, then per mode:
--   checkin  <session cookie> <CSRF token> <round id> <box id>
--            POST /api/v1/elections/1/check-ins with a staff session
--   cast     <form fields of the marks> <round id> <paper SHA-256>
--            POST /elections/1/vote/cast, the web form with its HTML receipt page
--   castapi  <round id> <paper SHA-256> <MarkedBallot JSON>
--            POST /api/v1/elections/1/ballots, the JSON API
-- Each thread takes every n-th voter of the file, so no two requests share a voter.
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  mode = args[1]
  voters = {}
  local n = tonumber(args[3])
  local i = 0
  for line in io.lines(args[2]) do
    if i % n == id then table.insert(voters, line) end
    i = i + 1
  end
  extra = { select(4, (table.unpack or unpack)(args)) }
  csrf = "benchmarkbenchmarkbenchmarkbenchmarkbench00"
  counter = 0
end

function request()
  counter = counter + 1
  local voter = voters[counter]
  -- Out of voters: a request that fails loudly rather than counting as a cast.
  if voter == nil then return wrk.format("GET", "/out-of-voters") end
  -- A form token as the review page makes them: 32 URL-safe characters, unique per request
  -- and per mode (a token used by the form run would find that run's receipt in the API run).
  local formToken = string.format("%s%d%030d", mode == "cast" and "b" or "a", id, counter)
  if mode == "checkin" then
    local session, token, round, box = extra[1], extra[2], extra[3], extra[4]
    return wrk.format("POST", "/api/v1/elections/1/check-ins", {
      ["Content-Type"] = "application/json", ["Cookie"] = "xy_session=" .. session, ["X-CSRF-Token"] = token,
    }, '{"round":' .. round .. ',"box":' .. box .. ',"number":' .. voter .. '}')
  elseif mode == "cast" then
    local marks, round, paper = extra[1], extra[2], extra[3]
    return wrk.format("POST", "/elections/1/vote/cast", {
      ["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = "xy_voter=" .. voter .. "; xy_csrf=" .. csrf,
    }, "_csrf=" .. csrf .. "&formToken=" .. formToken .. "&round=" .. round .. "&paper=" .. paper .. "&" .. marks)
  else
    local round, paper, ballot = extra[1], extra[2], extra[3]
    return wrk.format("POST", "/api/v1/elections/1/ballots", {
      ["Content-Type"] = "application/json", ["Cookie"] = "xy_voter=" .. voter .. "; xy_csrf=" .. csrf, ["X-CSRF-Token"] = csrf,
    }, '{"round":' .. round .. ',"paper":"' .. paper .. '","formToken":"' .. formToken .. '","ballot":' .. ballot .. '}')
  end
end
