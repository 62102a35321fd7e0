-- SPDX-License-Identifier: Apache-2.0
--
-- wrk script of the Artemis benchmark (driven by tests/bench/run.py).
--
--   [BENCH_CHECK=1] wrk -t1 -c8 -d5s --latency -s post.lua URL -- BODIES_FILE
--
-- BODIES_FILE holds one JSON request body per line.  Every request is a POST
-- with Content-Type application/json; the bodies are used in turn, cycling
-- back to the first line after the last one (one counter per wrk thread).
--
-- With BENCH_CHECK=1 every response is inspected: a response counts as bad
-- unless it has status 200 and contains "status":"success" (so a
-- partial_fail registry answer is bad).  Without it wrk does not keep response
-- bodies at all, which matters for the large discovery answers.
--
-- done() prints one line "BENCH {json}" with the figures run.py records, and
-- "BENCH_BAD <text>" with the beginning of the first bad response, if any.

local requests = {}
local count = 0
local next_index = 0
local threads = {}

-- Globals read back from each thread by done().
checked = 0
bad = 0
first_bad = nil

function setup (thread)
	table.insert (threads, thread)
end

function init (args)
	local path = args[1]
	local file = assert (io.open (path, "r"), "cannot open " .. tostring (path))
	local headers = { ["Content-Type"] = "application/json" }

	for line in file:lines () do
		if #line > 0 then
			count = count + 1
			requests[count] = wrk.format ("POST", nil, headers, line)
		end
	end
	file:close ()
	assert (count > 0, path .. " holds no request body")
end

function request ()
	next_index = next_index % count + 1
	return requests[next_index]
end

if os.getenv ("BENCH_CHECK") == "1" then
	function response (status, headers, body)
		checked = checked + 1
		if status ~= 200 or not string.find (body or "", '"status":"success"', 1, true) then
			bad = bad + 1
			if first_bad == nil then
				first_bad = status .. " " .. string.sub (body or "", 1, 400)
			end
		end
	end
end

function done (summary, latency, requests_stats)
	local total_checked, total_bad, sample = 0, 0, nil

	for _, thread in ipairs (threads) do
		total_checked = total_checked + (thread:get ("checked") or 0)
		total_bad = total_bad + (thread:get ("bad") or 0)
		sample = sample or thread:get ("first_bad")
	end
	local e = summary.errors
	io.write (string.format (
		'BENCH {"requests":%d,"duration_us":%d,"bytes":%d,' ..
		'"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
		'"latency_us":{"mean":%.1f,"p50":%d,"p90":%d,"p99":%d,"max":%d},' ..
		'"checked":%d,"bad":%d}\n',
		summary.requests, summary.duration, summary.bytes,
		e.connect, e.read, e.write, e.status, e.timeout,
		latency.mean, latency:percentile (50), latency:percentile (90),
		latency:percentile (99), latency.max,
		total_checked, total_bad))
	if sample ~= nil then
		io.write ("BENCH_BAD " .. string.gsub (sample, "\n", " ") .. "\n")
	end
end
