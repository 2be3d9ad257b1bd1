/** `gateway scan`: SensorTags nearby, with address, model and RSSI. */
import { Command, Option } from "commander";
import { hostNoble } from "../ble/noble.ts";
import { scanForTags } from "../ble/scan.ts";
import { HCI_OPTION, type HciTransport } from "../ble/hci/transport.ts";
import { toOption } from "../config/option_spec.ts";
import { UsageError } from "./usage_error.ts";
import { createSimulatedNoble, simulatedAddresses } from "../ble/virtual/simulated_noble.ts";
import { duration, positiveInt, switchOption } from "./option_values.ts";
import { type DurationBounds, durationHelp } from "../util/duration.ts";

/** `--seconds`: a scan listens at most an hour. */
export const SCAN_SECONDS: DurationBounds = { unit: "s", maxMs: 3_600_000 };

export function scanCommand(): Command {
  return new Command("scan")
    .description("List SensorTags nearby: address, model, RSSI (strongest first).")
    .addOption(
      new Option("--seconds <s>", `how long to listen (${durationHelp(SCAN_SECONDS)})`)
        .env("GATEWAY_SCAN_SECONDS").default(5).argParser(duration("--seconds", SCAN_SECONDS)),
    )
    .addOption(switchOption("--json", "print JSON instead of a table", "GATEWAY_SCAN_JSON"))
    .addOption(
      new Option("--simulate <n>", "scan n virtual SensorTags instead of the radio")
        .env("GATEWAY_SCAN_SIMULATE").argParser(positiveInt("--simulate", 10_000)),
    )
    .addOption(toOption(HCI_OPTION))
    .action(
      async (o: { seconds: number; json?: boolean; simulate?: number; hci?: HciTransport }) => {
        if (o.simulate !== undefined && o.hci !== undefined) {
          throw new UsageError(
            "--hci and --simulate exclude each other (virtual tags need no radio)",
          );
        }
        const noble = o.simulate
          ? createSimulatedNoble(simulatedAddresses(o.simulate)).noble
          : hostNoble(o.hci);
        try {
          const tags = await scanForTags(noble, o.seconds * 1000);
          if (o.json) console.log(JSON.stringify(tags, null, 2));
          else {
            console.log("ADDRESS            MODEL   RSSI  NAME");
            for (const t of tags) {
              console.log(`${t.address}  ${t.model}  ${String(t.rssi).padStart(4)}  ${t.name}`);
            }
            console.log(`${tags.length} SensorTag(s) found in ${o.seconds} s`);
          }
        } finally {
          noble.stop();
        }
      },
    );
}
