/** One merged SensorTag reading: what the radio side gives and the Avro side encodes. */
import type { Fields } from "./fields.ts";
import type { Model } from "./model.ts";

/** A tag's reading: its sensors' values at one time. */
export interface Reading {
  /** Upper-case, colon-separated BD address. */
  address: string;
  model: Model;
  /** When the reading was taken, epoch milliseconds. */
  time: number;
  /** Flat sensor fields (ambient, objecttemp, humidity, rh, pressure, ...). */
  fields: Fields;
}
