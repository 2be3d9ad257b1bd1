#!/usr/bin/env -S deno run -A
/**
 * gateway: TI SensorTags over BLE → Avro → Kafka (`produce`), and
 * Kafka → MongoDB configured with KCQL (`sink`). `gateway --help` lists all.
 */
import { runCli } from "./src/cli/program.ts";

if (import.meta.main) {
  // Commands finish their own shutdown (flush, commit, disconnect) before
  // returning; exit then, whatever handles libraries still hold open.
  Deno.exit(await runCli(Deno.args));
}
