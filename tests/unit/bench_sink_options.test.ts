import { deepEqual, throws } from "node:assert/strict";
import { parseSinkBenchOptions } from "../../scripts/bench/sink_bench_options.ts";

Deno.test("bench:sink options: defaults are 200k records and 600 s per row", () => {
  deepEqual(parseSinkBenchOptions([], {}), { records: 200_000, rowTimeoutSeconds: 600 });
});

Deno.test("bench:sink options: the environment sets them, flags win over it", () => {
  const env = { BENCH_RECORDS: "20000", BENCH_ROW_TIMEOUT_S: "90" };
  deepEqual(parseSinkBenchOptions([], env), { records: 20_000, rowTimeoutSeconds: 90 });
  deepEqual(
    parseSinkBenchOptions(["--records", "20_000", "--row-timeout=30"], env),
    { records: 20_000, rowTimeoutSeconds: 30 },
  );
  deepEqual(parseSinkBenchOptions([], { BENCH_RECORDS: " " }).records, 200_000);
});

Deno.test("bench:sink options: bad counts and unknown flags are refused by name", () => {
  throws(() => parseSinkBenchOptions(["--records", "0"], {}), /--records must be a positive/);
  throws(() => parseSinkBenchOptions(["--records", "2e4"], {}), /--records/);
  throws(() => parseSinkBenchOptions([], { BENCH_RECORDS: "-5" }), /BENCH_RECORDS/);
  throws(() => parseSinkBenchOptions(["--rows", "5"], {}), /rows/);
  throws(() => parseSinkBenchOptions(["--only", "("], {}), /--only must be a regular expression/);
});

Deno.test("bench:sink options: --only (or BENCH_ONLY) picks rows by label, case-insensitive", () => {
  deepEqual(parseSinkBenchOptions(["--only", "Already"], {}).only, /Already/i);
  deepEqual(parseSinkBenchOptions([], { BENCH_ONLY: "upsert" }).only, /upsert/i);
  deepEqual(parseSinkBenchOptions(["--only=insert"], { BENCH_ONLY: "upsert" }).only, /insert/i);
  deepEqual(parseSinkBenchOptions([], { BENCH_ONLY: " " }).only, undefined);
});
