/**
 * ATT errors while tags are read in turns (--max-connections below the number of tags), through
 * the real HCI stack and the emulated radio: a write the tag rejects fails that turn, which waits
 * its backoff and is tried again, and a read the tag never answers ends the turn within the
 * connect timeout (noble would wait forever) without holding the slot; the other tag keeps being
 * read throughout, and the failing one is read again once it answers.
 */
import { waitUntil } from "../_support/gateway_process.ts";
import assert from "node:assert/strict";
import { startEmulator } from "../_support/ble_emulator.ts";
import { startEmulatedProduce } from "../_support/emulated_produce.ts";

/** Readings taken per tag, from the gateway's /status.json. */
async function takenOf(lines: string[], tag: string): Promise<number> {
  const url = /url=(http:\/\/\S+)/.exec(lines.find((l) => /http listening/.test(l)) ?? "")?.[1];
  if (!url) return 0;
  const status = await (await fetch(`${url}/status.json`)).json() as {
    tags: { device: string; taken: number }[];
  };
  return status.tags.find((t) => t.device === tag)?.taken ?? 0;
}

function until(what: string, ok: () => boolean | Promise<boolean>, ms = 60_000) {
  return waitUntil(what, ok, ms, 200);
}

Deno.test("in turns: a rejected write and an unanswered read back off, then the tag is read again", async () => {
  const emulator = await startEmulator({ cc2650: 2, cc2541: 0, slots: 1 });
  const [bad, good] = emulator.tags.map((t) => t.address);
  // The IR configuration (AA02) rejects the next two writes with ATT error 0x80.
  await emulator.command(`fail-write ${bad} aa02 80 2`);
  const run = await startEmulatedProduce(emulator, [bad, good], [
    "--sensors",
    "ir,humidity",
    "--interval",
    "1",
    "--connect-timeout",
    "2",
    "--max-connections",
    "1",
    "--http",
    "127.0.0.1:0",
  ]);
  try {
    const backoff = await run.proc.waitForLine(
      new RegExp(`tag=${bad} state=backoff .*turn failed`),
      30_000,
    );
    assert.match(backoff, /next in \d+ ms/);
    // The good tag is read meanwhile; the bad one recovers once its writes are accepted.
    await until(
      "the bad tag read after its rejected writes",
      async () => (await takenOf(run.proc.lines, bad)) >= 1,
    );
    assert.ok((await takenOf(run.proc.lines, good)) >= 1);

    // Now a read the bad tag never answers (humidity data, AA21).
    await emulator.command(`hang-read ${bad} aa21 on`);
    await run.proc.waitForLine(
      new RegExp(`tag=${bad} state=backoff .*reading the sensors timed out`),
      30_000,
    );
    const good0 = await takenOf(run.proc.lines, good);
    await until(
      "the good tag still read",
      async () => (await takenOf(run.proc.lines, good)) >= good0 + 2,
    );
    const bad0 = await takenOf(run.proc.lines, bad);
    await emulator.command(`hang-read ${bad} aa21 off`);
    await until(
      "the bad tag read again once it answers",
      async () => (await takenOf(run.proc.lines, bad)) >= bad0 + 2,
    );
    assert.equal(await run.proc.stop(), 0);
    const records = await run.records();
    assert.ok(records.filter((r) => r.bid === bad).length >= 3);
    assert.ok(records.filter((r) => r.bid === good).length >= 3);
  } finally {
    await run.proc.stop(3000).catch(() => {});
    await emulator.stop();
  }
});
