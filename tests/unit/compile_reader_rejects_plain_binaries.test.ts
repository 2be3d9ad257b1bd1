/** The embedded-files reader refuses what deno compile did not make, with a reason. */
import assert from "node:assert/strict";
import { NotStandaloneError, readStandalone } from "../../scripts/compile/standalone.ts";

Deno.test("the deno CLI itself carries no compiled payload", async () => {
  const deno = await Deno.readFile(Deno.execPath());
  assert.throws(() => readStandalone(deno), NotStandaloneError);
});

Deno.test("a file that is not ELF is refused as such", () => {
  const text = new TextEncoder().encode(`${"#!/bin/sh\n".repeat(10)}`);
  assert.throws(() => readStandalone(text), /not an ELF file/);
});

Deno.test("a truncated ELF header table is reported, not read past the end", async () => {
  const deno = await Deno.readFile(Deno.execPath());
  assert.throws(() => readStandalone(deno.subarray(0, 4096)), /outside the file/);
});
