-- wrk script: every request casts one electronic ballot (POST /elections/1/vote/cast) for a
-- different voter, with that voter's session cookie and a fresh form token.
-- Arguments: the voters file (lines "token"), the number of wrk threads, the form fields of
-- the marks, the round id and the paper's SHA-256 (what the review page puts in the form).
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
  marks, round, paper = args[3], args[4], args[5]
  csrf = "benchmarkbenchmarkbenchmarkbenchmarkbench00"
  counter = 0
end

function request()
  counter = counter + 1
  local token = tokens[counter]
  if token == nil then
    -- Out of voters: a request that fails loudly rather than counting as a cast.
    return wrk.format("GET", "/out-of-voters")
  end
  -- A form token as the review page makes them: 32 URL-safe characters, unique per request.
  local formToken = string.format("b%d%030d", id, counter)
  local body = "_csrf=" .. csrf .. "&formToken=" .. formToken .. "&round=" .. round .. "&paper=" .. paper .. "&" .. marks
  return wrk.format("POST", "/elections/1/vote/cast", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "xy_voter=" .. token .. "; xy_csrf=" .. csrf,
  }, body)
end
