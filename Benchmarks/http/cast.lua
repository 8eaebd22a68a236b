-- wrk script: every request casts one electronic ballot (POST /elections/1/vote/cast) for a
-- different voter, with that voter's session cookie and a fresh form token.
-- Arguments: the voters file (lines "token"), the number of wrk threads, the form fields of the marks.
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
  marks = args[3]
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
  local body = "_csrf=" .. csrf .. "&formToken=bench-" .. token .. "&" .. marks
  return wrk.format("POST", "/elections/1/vote/cast", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "xy_voter=" .. token .. "; xy_csrf=" .. csrf,
  }, body)
end
