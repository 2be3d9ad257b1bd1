#!/usr/bin/env -S deno run -A
/**
 * gateway: TI SensorTags over BLE → Avro → Kafka (`produce`), and
 * Kafka → MongoDB configured with KCQL (`sink`). `gateway --help` lists all.
 */
import { runCli } from "./src/cli/program.ts";

if (import.meta.main) {
  Deno.exitCode = await runCli(Deno.args);
}
