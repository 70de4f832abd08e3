-- Replays a file of pre-generated request paths (one per line, "/?Action=..."), each used at
-- most once across all of wrk's threads: mock-ecs remembers every SignatureNonce, so a request
-- sent twice would be refused (SignatureNonceUsed) instead of measured.
--
--   wrk -t2 -c32 -d10s -s benchmarks/wrk_replay.lua http://127.0.0.1:PORT -- PATHS NTHREADS
--
-- Thread k of n (numbered in setup, in creation order) takes lines k, k+n, k+2n, ... of PATHS.
-- A thread that runs out starts its share again and counts it in "wrapped": for signed
-- requests a wrapped run is invalid (its repeats are refused), for others it is harmless.
-- Extra headers (moto needs an Authorization header to route to EC2) come from wrk's own
-- -H option: wrk.format sends wrk.headers, which -H fills.
--
-- done() prints one JSON line: requests, duration_us, non2xx (answers with a status of 400 or
-- more, wrk's errors.status), socket_errors (connect, read, write), timeouts (answers slower
-- than wrk's --timeout, left out of the latencies), p50_us, p99_us, wrapped.

local threads = {}

function setup(thread)
   thread:set("tid", #threads)
   table.insert(threads, thread)
end

function init(args)
   local file, nthreads = args[1], tonumber(args[2])
   if file == nil or nthreads == nil then
      error("usage: wrk ... -s wrk_replay.lua URL -- PATHS NTHREADS")
   end
   paths = {}
   local n = 0
   for line in io.lines(file) do
      if line ~= "" then
         if n % nthreads == tid then
            paths[#paths + 1] = line
         end
         n = n + 1
      end
   end
   if #paths == 0 then
      error("no request paths for thread " .. tid .. " in " .. file)
   end
   index = 0
   wrapped = 0
end

function request()
   index = index + 1
   if index > #paths then
      index = 1
      wrapped = wrapped + 1
   end
   return wrk.format("GET", paths[index])
end

function done(summary, latency, requests)
   local wrapped_total = 0
   for _, thread in ipairs(threads) do
      wrapped_total = wrapped_total + (thread:get("wrapped") or 0)
   end
   local errors = summary.errors
   io.write(string.format(
      '{"requests": %d, "duration_us": %d, "non2xx": %d, "socket_errors": %d, "timeouts": %d, '
         .. '"p50_us": %d, "p99_us": %d, "wrapped": %d}\n',
      summary.requests, summary.duration, errors.status,
      errors.connect + errors.read + errors.write, errors.timeout,
      latency:percentile(50), latency:percentile(99), wrapped_total))
end
