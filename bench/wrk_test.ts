import { parseWrkOutput } from "./wrk.ts";

const SAMPLE = `Running 5s test @ http://127.0.0.1:8000/
  2 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.21ms  512.33us  15.02ms   90.12%
    Req/Sec    26.51k     1.90k   30.11k    71.00%
  Latency Distribution
     50%    1.10ms
     75%    1.40ms
     90%    1.80ms
     99%    2.50ms
  263842 requests in 5.00s, 52.34MB read
  Socket errors: connect 0, read 12, write 0, timeout 3
  Non-2xx or 3xx responses: 7
Requests/sec:  52768.40
Transfer/sec:     10.47MB
`;

function assertEquals(actual: unknown, expected: unknown): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new Error(`Expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

Deno.test("parseWrkOutput reads req/s, p99 in ms and the error lines", () => {
  assertEquals(parseWrkOutput(SAMPLE), {
    requestsPerSec: 52768.4,
    p99Ms: 2.5,
    requests: 263842,
    socketErrors: "connect 0, read 12, write 0, timeout 3",
    non2xx: 7,
  });
});

Deno.test("parseWrkOutput converts seconds in p99", () => {
  const text = SAMPLE.replace("99%    2.50ms", "99%    1.50s");
  assertEquals(parseWrkOutput(text)?.p99Ms, 1500);
});

Deno.test("parseWrkOutput returns null when wrk printed no report", () => {
  assertEquals(parseWrkOutput("unable to connect to 127.0.0.1:1 Connection refused\n"), null);
});

Deno.test("parseWrkOutput gives no p99 when a percentile reads 0", () => {
  const text = SAMPLE.replace("90%    1.80ms", "90%    0.00us");
  assertEquals(parseWrkOutput(text)?.p99Ms, null);
});
