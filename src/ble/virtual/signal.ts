/**
 * What a virtual SensorTag "measures": slow, deterministic signals, offset
 * per tag, so tests can predict every value from the tag's index and the time.
 */
import type { Model } from "../../sensortag/model.ts";
import type { SensorValues } from "../../sensortag/values.ts";

const TAU = 2 * Math.PI;

export function signalAt(index: number, model: Model, timeMs: number): Omit<SensorValues, "keys"> {
  const t = timeMs / 1000;
  const ambient = 21 + index * 0.25 + 1.5 * Math.sin(TAU * t / 600 + index);
  return {
    ir: { ambient, object: ambient - 2.5 + 0.75 * Math.sin(TAU * t / 97 + index) },
    humidity: { temperature: ambient + 0.4, humidity: 45 + 10 * Math.sin(TAU * t / 900 + index) },
    barometer: {
      temperature: ambient + 0.6,
      pressure: 1013.25 + 3 * Math.sin(TAU * t / 3600 + index),
    },
    optical: { lux: 320 + 180 * Math.sin(TAU * t / 300 + index) },
    movement: {
      accel: {
        x: 0.02 * Math.sin(TAU * t / 7),
        y: -0.03 * Math.cos(TAU * t / 11),
        z: model === "cc2650" ? 1 : 0.98,
      },
      gyro: { x: 1.5 * Math.sin(TAU * t / 13), y: -2 * Math.sin(TAU * t / 17), z: 0.5 },
      mag: { x: 22 + index, y: -6, z: 41 },
    },
    battery: { level: Math.max(5, 95 - index % 50) },
  };
}
