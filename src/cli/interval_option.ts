/**
 * `--interval`: how often each tag gives a reading, bounded below by what the
 * sensors can honour. The fastest SensorTag sensors (CC2650 humidity,
 * barometer, optical, movement; the CC2541's too) measure every 100 ms at the
 * quickest; IR temperature every 300 ms. Polling faster only reads the same
 * measurement again, so a smaller interval is a usage error.
 */
import { InvalidArgumentError } from "commander";
import { SENSOR_GATT } from "../sensortag/gatt.ts";
import { durationHelp, parseDuration } from "../util/duration.ts";

/** The smallest minimum period of any sensor in the GATT tables, in ms (100). */
export const MIN_INTERVAL_MS: number = Math.min(
  ...Object.values(SENSOR_GATT).flatMap((sensors) =>
    Object.values(sensors).flatMap((gatts) =>
      (gatts ?? []).flatMap((g) => (g.minPeriodMs === undefined ? [] : [g.minPeriodMs]))
    )
  ),
);

/** The longest interval: one reading a day. */
export const MAX_INTERVAL_MS = 86_400_000;

/** What `--help` says about the bounds. */
export const INTERVAL_HELP = `at least ${MIN_INTERVAL_MS / 1000}; the fastest sensors measure ` +
  `every ${MIN_INTERVAL_MS} ms, IR temperature every 300 ms; ` +
  durationHelp({ unit: "s", minMs: MIN_INTERVAL_MS, maxMs: MAX_INTERVAL_MS });

/** Parses seconds (e.g. `10`, `0.5`, or `500ms`, `2m`), refusing anything below `MIN_INTERVAL_MS`. */
export function intervalSeconds(what: string) {
  return (value: string): number => {
    let ms: number;
    try {
      ms = parseDuration(what, value, { unit: "s", minMs: 0, maxMs: MAX_INTERVAL_MS });
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
    if (ms < MIN_INTERVAL_MS) {
      throw new InvalidArgumentError(
        `${what} must be at least ${MIN_INTERVAL_MS / 1000} s (the fastest SensorTag sensors ` +
          `measure every ${MIN_INTERVAL_MS} ms), got ${value}`,
      );
    }
    return ms / 1000;
  };
}
