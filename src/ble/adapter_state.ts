/**
 * What a Bluetooth adapter state means to an operator of the gateway, and noble's own console
 * warnings about it put in those words. noble prints three lines on `console.log` when the
 * adapter is unsupported or unauthorized, advising `NOBLE_HCI_DEVICE_ID=x node ...`, which does
 * not apply to the gateway; {@linkcode nobleWarningRewriter} makes them one warning, once per
 * state. Pure (loads no noble).
 */

/** What to check for each adapter state that is not `poweredOn`. */
export const ADAPTER_HINTS: Readonly<Record<string, string>> = {
  unsupported:
    "no usable Bluetooth LE adapter: check `hciconfig`/`bluetoothctl list`, that BlueZ sees it, " +
    "and that the adapter supports Bluetooth 4.0 (LE)",
  unauthorized: "no permission to use the adapter: run as root or grant the binary " +
    "`sudo setcap cap_net_raw,cap_net_admin+eip $(readlink -f $(which gateway))`",
  poweredOff: "the adapter is powered off: `bluetoothctl power on` (or `rfkill unblock bluetooth`)",
  resetting: "the adapter is resetting: try again in a moment",
};

/** The hint for `state`, or a general one. */
export function adapterHint(state: string): string {
  return ADAPTER_HINTS[state] ?? "check the adapter and BlueZ";
}

/** A console line rewritten: `drop` it, or log `message` at `level` instead. */
export type Rewrite = { drop: true } | { drop?: false; level: "warn"; message: string };

const FIRST: [RegExp, string][] = [
  [/^noble warning: adapter does not support Bluetooth Low Energy/, "unsupported"],
  [/^noble warning: adapter state unauthorized/, "unauthorized"],
];
const CONTINUATION =
  /^\s{8,}(Try to run with environment variable:|\[sudo\] NOBLE_HCI_DEVICE_ID=|or see README for information|https:\/\/github\.com\/sandeepmistry\/noble)/;

/**
 * A rewriter of console lines for noble's adapter warnings: the first line of one becomes the
 * gateway's words (once per state, for the life of the rewriter), its continuation lines go.
 * Any other line: undefined (log it as it is).
 */
export function nobleWarningRewriter(): (text: string) => Rewrite | undefined {
  const said = new Set<string>();
  return (text) => {
    if (CONTINUATION.test(text)) return { drop: true };
    const hit = FIRST.find(([re]) => re.test(text));
    if (!hit) return undefined;
    const state = hit[1];
    if (said.has(state)) return { drop: true };
    said.add(state);
    return { level: "warn", message: `Bluetooth adapter ${state}: ${adapterHint(state)}` };
  };
}
