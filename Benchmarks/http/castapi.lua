-- wrk script: every request casts one electronic ballot through the JSON API
-- (POST /api/v1/elections/1/ballots) for a different voter, with that voter's session cookie,
-- the CSRF header and a fresh form token. Arguments: the voters file, the number of wrk
-- threads, the round id, the paper's SHA-256, the MarkedBallot JSON.
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  tokens = {}
  local n = tonumber(args[2])
  local i = 0
  for line in io.lines(args[1]) do
    if i % n == id then table.insert(tokens, line) end
    i = i + 1
  end
  round, paper, ballot = args[3], args[4], args[5]
  csrf = "benchmarkbenchmarkbenchmarkbenchmarkbench00"
  counter = 0
end

function request()
  counter = counter + 1
  local token = tokens[counter]
  if token == nil then return wrk.format("GET", "/out-of-voters") end
  local body = '{"round":' .. round .. ',"paper":"' .. paper .. '","formToken":"' .. string.format("a%d%030d", id, counter) .. '","ballot":' .. ballot .. '}'
  return wrk.format("POST", "/api/v1/elections/1/ballots", {
    ["Content-Type"] = "application/json",
    ["Cookie"] = "xy_voter=" .. token .. "; xy_csrf=" .. csrf,
    ["X-CSRF-Token"] = csrf,
  }, body)
end
