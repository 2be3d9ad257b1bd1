/** `gateway decode --model cc2650|cc2541 --sensor <name> <hex bytes>` */
import { Command, Option } from "commander";
import { decodeHexCommand } from "../sensortag/hex.ts";
import { MODELS, SENSOR_NAMES } from "../sensortag/model.ts";
import { oneOf } from "./option_values.ts";
import { UsageError } from "./usage_error.ts";

export function decodeCommand(): Command {
  return new Command("decode")
    .summary("Decode raw SensorTag characteristic bytes into a reading, printed as JSON.")
    .description(
      "Decode raw SensorTag characteristic bytes into a reading, printed as JSON: the " +
        "reference for the decoders, and a troubleshooting aid.",
    )
    .addHelpText(
      "after",
      "\nExample:\n  gateway decode --model cc2650 --sensor ir 'a0 0b 3c 0f'",
    )
    .argument("<hex...>", 'bytes as hex: "a0 0b 3c 0f", a00b3c0f, a0:0b:3c:0f or 0xa0 0x0b ...')
    .addOption(
      new Option("--model <model>", "cc2650 or cc2541").env("GATEWAY_DECODE_MODEL")
        .makeOptionMandatory().argParser(oneOf("--model", MODELS)),
    )
    .addOption(
      new Option("--sensor <name>", SENSOR_NAMES.join(", ")).env("GATEWAY_DECODE_SENSOR")
        .makeOptionMandatory().argParser(oneOf("--sensor", SENSOR_NAMES)),
    )
    .addOption(
      new Option("--accel-range <g>", "accelerometer range the tag was configured with")
        .env("GATEWAY_DECODE_ACCEL_RANGE"),
    )
    .addOption(
      new Option("--part <chip>", "CC2541 movement chip: kxtj9, mag3110 or imu3000")
        .env("GATEWAY_DECODE_PART"),
    )
    .addOption(
      new Option("--calibration <hex>", "CC2541 barometer: the 16 calibration bytes")
        .env("GATEWAY_DECODE_CALIBRATION"),
    )
    .action(
      (
        hex: string[],
        o: {
          model: string;
          sensor: string;
          accelRange?: string;
          part?: string;
          calibration?: string;
        },
      ) => {
        let result;
        try {
          result = decodeHexCommand({
            model: o.model,
            sensor: o.sensor,
            hex: hex.join(" "),
            accelRange: o.accelRange,
            part: o.part,
            calibration: o.calibration,
          });
        } catch (error) {
          // Every failure here is about what was typed (bytes, their count, the options): exit 2.
          throw new UsageError((error as Error).message);
        }
        console.log(JSON.stringify(result, null, 2));
      },
    );
}
