/**
 * TMP006 (CC2541 IR thermometer). Data: object voltage LSB, MSB (int16,
 * 156.25 nV/LSB), ambient (die) temperature LSB, MSB (int16 / 128 = °C).
 * Object temperature by TI's SensorTag User Guide formula, with the
 * S0 = 6.4e-14 calibration factor TI and bluepy use (node-sensortag uses
 * 5.593e-14; TI is followed).
 */
import { int16le, requireLength } from "../bytes.ts";
import type { IrValues } from "../values.ts";

export const TMP006 = {
  S0: 6.4e-14,
  a1: 1.75e-3,
  a2: -1.678e-5,
  b0: -2.94e-5,
  b1: -5.7e-7,
  b2: 4.63e-9,
  c2: 13.4,
  Tref: 298.15,
  /** Volts per LSB of the sensor voltage register. */
  voltLsb: 156.25e-9,
  /** LSB per °C of the ambient register read as int16. */
  ambientPerC: 128,
} as const;

export const KELVIN = 273.15;

/** Sensitivity S and offset voltage Vos at die temperature `tDieK` (kelvin). */
export function tmp006Terms(tDieK: number): { S: number; Vos: number } {
  const d = tDieK - TMP006.Tref;
  return {
    S: TMP006.S0 * (1 + TMP006.a1 * d + TMP006.a2 * d * d),
    Vos: TMP006.b0 + TMP006.b1 * d + TMP006.b2 * d * d,
  };
}

/** Object temperature (°C) from the sensor voltage (V) and the die temperature (°C). */
export function tmp006ObjectTemperature(vObj: number, dieC: number): number {
  const tDie = dieC + KELVIN;
  const { S, Vos } = tmp006Terms(tDie);
  const x = vObj - Vos;
  const fObj = x + TMP006.c2 * x * x;
  const t4 = tDie ** 4 + fObj / S;
  if (!(t4 > 0)) {
    throw new Error(
      `TMP006: sensor voltage ${(vObj * 1e6).toFixed(3)} µV at die temperature ${dieC} °C ` +
        `is outside what the object-temperature formula can convert`,
    );
  }
  return t4 ** 0.25 - KELVIN;
}

export function decodeTmp006(data: Uint8Array): IrValues {
  requireLength("TMP006", data, 4);
  const ambient = int16le(data, 2) / TMP006.ambientPerC;
  const vObj = int16le(data, 0) * TMP006.voltLsb;
  return { ambient, object: tmp006ObjectTemperature(vObj, ambient) };
}
