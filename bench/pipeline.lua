-- wrk script: send N requests (default 16) back to back per round trip.
-- wrk counts the requests in the string `request()` returns and waits for that many
-- responses before the next write, so Requests/sec counts responses; latency is per batch.
-- Usage: wrk -s bench/pipeline.lua http://127.0.0.1:8000/ -- 16

local batch

function init(args)
  local depth = tonumber(args[1]) or 16
  local parts = {}
  for i = 1, depth do
    parts[i] = wrk.format(nil, wrk.path)
  end
  batch = table.concat(parts)
end

function request()
  return batch
end
