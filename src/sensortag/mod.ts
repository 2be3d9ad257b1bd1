/** The SensorTag domain: models, GATT map, decoders, encoders, record fields, hex input. */
export * from "./model.ts";
export * from "./gatt.ts";
export * from "./values.ts";
export * from "./decode.ts";
export * from "./encode.ts";
export * from "./fields.ts";
export * from "./hex.ts";
export { DEFAULT_T5400_CALIBRATION, encodeT5400Calibration } from "./encode/t5400.ts";
export {
  parseT5400Calibration,
  T5400_COEFFICIENTS,
  type T5400Calibration,
} from "./decode/t5400.ts";
export {
  DEFAULT_KXTJ9_RANGE,
  KXTJ9_RANGES,
  type Kxtj9Range,
  kxtj9RangeForFirmware,
} from "./decode/kxtj9.ts";
export { KEY_BITS } from "./decode/keys.ts";
export type { KeysInput } from "./encode/keys.ts";
