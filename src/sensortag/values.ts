/** Decoded physical values of every sensor, in SI-ish units. */
import type { SensorName } from "./model.ts";

export interface Vec3 {
  x: number;
  y: number;
  z: number;
}

/** IR thermometer: die (ambient) and object temperature, °C. */
export interface IrValues {
  ambient: number;
  object: number;
}

/** Humidity chip: its own temperature (°C) and relative humidity (%RH). */
export interface HumidityValues {
  temperature: number;
  humidity: number;
}

/** Barometer: chip temperature (°C) and pressure (hPa). */
export interface BarometerValues {
  temperature: number;
  pressure: number;
}

/** Ambient light, lux. */
export interface OpticalValues {
  lux: number;
}

/** Movement: acceleration (g), rotation (°/s), magnetic field (µT); only the parts that were measured. */
export interface MovementValues {
  accel?: Vec3;
  gyro?: Vec3;
  mag?: Vec3;
}

/**
 * Key state. `bits` is the raw byte:
 * - CC2650: bit 0 left (user) button, bit 1 right (power) button, bit 2 reed relay.
 * - CC2541: bit 0 right button, bit 1 left button, bit 2 side button (test mode only).
 */
export interface KeysValues {
  bits: number;
  left: boolean;
  right: boolean;
  /** CC2650 only. */
  reedRelay?: boolean;
  /** CC2541 only. */
  side?: boolean;
}

/** Battery level, percent. */
export interface BatteryValues {
  level: number;
}

export interface SensorValues {
  ir: IrValues;
  humidity: HumidityValues;
  barometer: BarometerValues;
  optical: OpticalValues;
  movement: MovementValues;
  keys: KeysValues;
  battery: BatteryValues;
}

export type AnySensorValues = SensorValues[SensorName];
