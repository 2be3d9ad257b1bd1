/**
 * noble's HCI bindings stop scanning to initiate a connection and never start it again. Through
 * the real HCI stack and the emulated radio: tags that start advertising only after another tag
 * connected are still heard and stream, well within the connect timeout (before, they were "not
 * heard advertising" until it ran out, and then never heard at all).
 */
import { startEmulator } from "./_support/ble_emulator.ts";
import { startEmulatedProduce } from "./_support/emulated_produce.ts";

Deno.test("tags heard only after the first tag connected still stream", async () => {
  const emulator = await startEmulator({ cc2650: 3, cc2541: 0 });
  const [first, ...later] = emulator.tags.map((t) => t.address);
  for (const a of later) await emulator.command(`adv ${a} off`);
  const run = await startEmulatedProduce(emulator, [first, ...later], [
    "--sensors",
    "ir,humidity",
    "--interval",
    "0.5",
    "--connect-timeout",
    "60", // no timeout rescues a tag that is not looked for
  ]);
  try {
    await run.proc.waitForLine(new RegExp(`tag=${first} state=streaming`), 30_000);
    for (const a of later) await emulator.command(`adv ${a} on`);
    for (const a of later) {
      await run.proc.waitForLine(new RegExp(`tag=${a} state=streaming`), 30_000);
    }
  } finally {
    await run.proc.stop(3000).catch(() => {});
    await emulator.stop();
  }
});
