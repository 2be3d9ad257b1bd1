import { deepEqual } from "node:assert/strict";
import { formatStatusLine } from "../../scripts/services/status_line.ts";

Deno.test("services status line: up service shows address, pid, RSS in MiB and log path", () => {
  deepEqual(
    formatStatusLine({
      name: "kafka",
      up: true,
      host: "127.0.0.1",
      port: 9092,
      pid: 4242,
      rssBytes: 300 * 1024 * 1024,
      logFile: "/r/.services/logs/kafka.log",
      detail: "1 broker(s)",
    }),
    "kafka     up    127.0.0.1:9092   pid 4242    rss 300 MiB  log /r/.services/logs/kafka.log  (1 broker(s))",
  );
});

Deno.test("services status line: down service shows dashes and the probe's reason", () => {
  deepEqual(
    formatStatusLine({
      name: "mongo",
      up: false,
      host: "127.0.0.1",
      port: 27017,
      pid: null,
      rssBytes: null,
      logFile: "/r/.services/logs/mongo.log",
      detail: "connect ECONNREFUSED",
    }),
    "mongo     down  127.0.0.1:27017  pid -       rss -        log /r/.services/logs/mongo.log  (connect ECONNREFUSED)",
  );
});
