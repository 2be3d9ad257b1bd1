import { deepEqual, throws } from "node:assert/strict";
import { parseArgs } from "../../scripts/services/args.ts";
import { selectServices } from "../../scripts/services/names.ts";

Deno.test("services args: a command alone applies to every service in start order", () => {
  deepEqual(parseArgs(["up"]), { command: "up", names: ["kafka", "registry", "mongo"] });
  deepEqual(parseArgs(["status"]).names, ["kafka", "registry", "mongo"]);
});

Deno.test("services args: named services are deduplicated and put in start order", () => {
  deepEqual(parseArgs(["down", "mongo", "kafka", "mongo"]), {
    command: "down",
    names: ["kafka", "mongo"],
  });
  deepEqual(parseArgs(["restart", "registry"]).names, ["registry"]);
});

Deno.test("services args: no arguments, -h and --help mean help", () => {
  for (const args of [[], ["-h"], ["--help"], ["help"]]) {
    deepEqual(parseArgs(args).command, "help");
  }
});

Deno.test("services args: an unknown command is refused with the valid ones listed", () => {
  throws(() => parseArgs(["start"]), /unknown command "start": expected one of up, down/);
});

Deno.test("services args: an unknown service is refused with the valid ones listed", () => {
  throws(
    () => parseArgs(["up", "kafka", "zookeeper"]),
    /unknown service "zookeeper": expected one of kafka, registry, mongo/,
  );
});

Deno.test("services args: options are refused rather than taken for service names", () => {
  throws(() => parseArgs(["up", "--force"]), /unknown option "--force" for up/);
});

Deno.test("services names: selectServices with nothing selects all, in start order", () => {
  deepEqual(selectServices(), ["kafka", "registry", "mongo"]);
  deepEqual(selectServices(["mongo", "registry"]), ["registry", "mongo"]);
});
