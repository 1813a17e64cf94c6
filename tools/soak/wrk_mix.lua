-- The wrk mix of docs/soak.md's December 2026 probe: wrk -t2 -c32 -d180s -s tools/soak/wrk_mix.lua URL
-- against a folder holding small.bin (1 KiB), s4k.txt (4 KiB), large.bin (16 MiB) and up/.
local counter = 0
local big = string.rep("x", 256*1024)
local small = string.rep("y", 4096)
local boundary = "----wrkboundary"
local function multipart(name, data)
  return "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" .. name ..
    "\"\r\nContent-Type: application/octet-stream\r\n\r\n" .. data .. "\r\n--" .. boundary .. "--\r\n"
end
local function chunked(data, n)
  local parts = {}
  local size = math.floor(#data / n)
  for i = 1, n do
    parts[#parts+1] = string.format("%x\r\n", size) .. string.sub(data, 1, size) .. "\r\n"
  end
  parts[#parts+1] = "0\r\n\r\n"
  return table.concat(parts)
end
local cbody = chunked(big, 8)
local mbody = multipart("m.bin", big)
local actions = {
  {20, function(n) return wrk.format("GET", "/files/small.bin") end},
  {10, function(n) return wrk.format("GET", "/files/s4k.txt") end},
  {3, function(n) return wrk.format("GET", "/files/large.bin") end},
  {8, function(n) local from = (n * 262144) % (16*1024*1024 - 262144)
        return wrk.format("GET", "/files/large.bin", {["Range"] = "bytes=" .. from .. "-" .. (from+65535)}) end},
  {4, function(n) return wrk.format("GET", "/files/small.bin", {["Connection"] = "close"}) end},
  {4, function(n) return wrk.format("PUT", "/files/up/w" .. (n % 16) .. ".bin", nil, big) end},
  {3, function(n) return wrk.format("POST", "/files/up/", {["Content-Type"] = "multipart/form-data; boundary=" .. boundary}, mbody) end},
  {3, function(n) return "PUT /files/up/c" .. (n % 16) .. ".bin HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" .. cbody end},
  {4, function(n) return wrk.format("PROPFIND", "/files/", {["Depth"] = "1"}) end},
  {8, function(n) return wrk.format("GET", "/echo/hello" .. n) end},
  {6, function(n) return wrk.format("POST", "/inspect/x?n=" .. n, {["Content-Type"] = "text/plain"}, small) end},
  {1, function(n) return wrk.format("GET", "/drip?numbytes=100&duration=0.5&delay=0") end},
  {1, function(n) return wrk.format("GET", "/delay/0.3") end},
  {3, function(n) return wrk.format("GET", "/anything?n=" .. n) end},
}
local total = 0
for _, a in ipairs(actions) do total = total + a[1] end
request = function()
  counter = counter + 1
  local pick = math.random(total)
  for _, a in ipairs(actions) do
    pick = pick - a[1]
    if pick <= 0 then return a[2](counter) end
  end
end
local statuses = {}
response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
done = function(summary, latency, requests)
  io.write(string.format("requests %d errors connect %d read %d write %d status %d timeout %d\n",
    summary.requests, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout))
end
