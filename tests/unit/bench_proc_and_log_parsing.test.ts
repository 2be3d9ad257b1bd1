import { deepEqual, equal, throws } from "node:assert/strict";
import {
  descendants,
  parseLoadAverage,
  parseRssKiB,
  parseStat,
} from "../../scripts/bench/proc_tree.ts";
import { firstErrorLine } from "../../scripts/bench/measure_subject.ts";
import { parseMemorySplit } from "../../scripts/bench/process_usage.ts";

const STAT =
  "17370 (cat) R 17368 17368 6158 0 -1 4194304 98 0 0 0 11 7 3 2 20 0 1 0 42335 3133440 409 " +
  "18446744073709551615 94210026835968 94210026855849 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0";

Deno.test("bench /proc: a stat line gives pid, ppid and utime+stime+cutime+cstime", () => {
  deepEqual(parseStat(STAT), { pid: 17370, ppid: 17368, cpuTicks: 11 + 7 + 3 + 2 });
});

Deno.test("bench /proc: a command name with spaces and parentheses does not shift fields", () => {
  const odd = STAT.replace("(cat)", "(we(ird) name) x)");
  deepEqual(parseStat(odd), { pid: 17370, ppid: 17368, cpuTicks: 23 });
});

Deno.test("bench /proc: text that is not a stat line is null", () => {
  equal(parseStat(""), null);
  equal(parseStat("12 (short) R 1 2 3"), null);
  equal(parseStat("x (cat) R 1 1 1 0 -1 0 0 0 0 0 1 1 1 1 20"), null);
  equal(parseStat(STAT.replace(" 11 7 3 2 ", " 11 seven 3 2 ")), null);
});

Deno.test("bench /proc: VmRSS in kB from status; none (zombie) is 0", () => {
  equal(parseRssKiB("Name:\tjava\nVmHWM:\t  900 kB\nVmRSS:\t  123456 kB\nThreads:\t40\n"), 123456);
  equal(parseRssKiB("Name:\tz\nState:\tZ (zombie)\n"), 0);
});

Deno.test("bench /proc: descendants are the root and everything below it, nothing else", () => {
  const parents = new Map([[10, 1], [11, 10], [12, 11], [13, 10], [20, 1], [21, 20]]);
  deepEqual(descendants(10, parents).sort((a, b) => a - b), [10, 11, 12, 13]);
  deepEqual(descendants(99, parents), [99]);
});

Deno.test("bench /proc: a parent cycle (pid reuse mid-scan) ends", () => {
  const parents = new Map([[5, 6], [6, 5]]);
  deepEqual(descendants(5, parents).sort(), [5, 6]);
});

Deno.test("bench /proc: load average is the first three numbers of /proc/loadavg", () => {
  equal(parseLoadAverage("4.58 2.21 0.90 5/284 17371\n"), "4.58 2.21 0.90");
  throws(() => parseLoadAverage("garbage"), /not a \/proc\/loadavg line/);
});

Deno.test("bench subjects: an ERROR line of either log format is found, WARN lines are not", () => {
  const gatewayLog = [
    "(node:1) TimeoutNegativeWarning: -1 is a negative number.",
    '2026-12-01T21:09:25.419Z WARN  MongoDB unavailable error="ERROR in text" attempt=1',
    '2026-12-01T21:10:24.187Z ERROR consumer crashed error="x" restart=false',
  ].join("\n");
  equal(
    firstErrorLine(gatewayLog),
    '2026-12-01T21:10:24.187Z ERROR consumer crashed error="x" restart=false',
  );
  const connectLog = "[2026-12-01 21:12:05,104] WARN plugins ERROR-free\n" +
    "[2026-12-01 21:12:06,001] ERROR WorkerSinkTask{id=b-0} Task threw an uncaught exception\n";
  equal(
    firstErrorLine(connectLog),
    "[2026-12-01 21:12:06,001] ERROR WorkerSinkTask{id=b-0} Task threw an uncaught exception",
  );
  equal(firstErrorLine("[2026-12-01 21:12:05,104] WARN fine\nno ERROR here\n"), undefined);
});

Deno.test("bench /proc: peak, resident and its anon/file/shmem split in MiB from status", () => {
  const status = "Name:\tdeno\nVmPeak:\t 3000000 kB\nVmHWM:\t   78848 kB\nVmRSS:\t   76800 kB\n" +
    "RssAnon:\t   30720 kB\nRssFile:\t   45056 kB\nRssShmem:\t    1024 kB\nVmData:\t 99 kB\n";
  deepEqual(parseMemorySplit(status), { peak: 77, rss: 75, anon: 30, file: 44, shmem: 1 });
  const none = parseMemorySplit("Name:\tz\nState:\tZ (zombie)\n");
  equal(Number.isNaN(none.peak) && Number.isNaN(none.anon), true);
});
