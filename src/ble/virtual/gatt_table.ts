/**
 * The GATT tables of the two SensorTag models as the real firmware exposes
 * them (CC2650 firmware 1.3x, CC2541 firmware 1.5): every service and
 * characteristic with its UUID and properties, the sensor services taken from
 * `SENSOR_GATT` so the virtual tag and the gateway agree by construction.
 */
import {
  DEVICE_INFO,
  SENSOR_GATT,
  type SensorGatt,
  shortUuid,
  tiUuid,
  uuid16To128,
} from "../../sensortag/gatt.ts";
import type { Model } from "../../sensortag/model.ts";

export type Property = "read" | "write" | "writeWithoutResponse" | "notify" | "indicate";

export interface CharacteristicDef {
  /** As noble reports it: short for SIG UUIDs, 128-bit for TI's. */
  uuid: string;
  properties: Property[];
  /** Fixed value (device information, names); sensor data is produced live. */
  value?: Uint8Array;
  /** The sensor chip this characteristic belongs to, and its role. */
  part?: string;
  role?: "data" | "config" | "period" | "calibration";
}

export interface ServiceDef {
  uuid: string;
  characteristics: CharacteristicDef[];
}

const text = (s: string) => new TextEncoder().encode(s);
const n = (uuid: string) => shortUuid(uuid);

export const ADVERTISED_NAME: Record<Model, string> = {
  cc2650: "CC2650 SensorTag",
  cc2541: "SensorTag",
};

const DEVICE_NAME: Record<Model, string> = {
  cc2650: "CC2650 SensorTag",
  cc2541: "TI BLE Sensor Tag",
};
export const FIRMWARE: Record<Model, string> = {
  cc2650: "1.32 (Mar 12 2018)",
  cc2541: "1.5 (Feb  7 2013)",
};

function sensorService(g: SensorGatt): ServiceDef {
  const chars: CharacteristicDef[] = [
    { uuid: n(g.data), properties: ["read", "notify"], part: g.part, role: "data" },
  ];
  if (g.config) {
    chars.push({ uuid: n(g.config), properties: ["read", "write"], part: g.part, role: "config" });
  }
  if (g.calibration) {
    chars.push({ uuid: n(g.calibration), properties: ["read"], part: g.part, role: "calibration" });
  }
  if (g.period) {
    chars.push({ uuid: n(g.period), properties: ["read", "write"], part: g.part, role: "period" });
  }
  return { uuid: n(g.service), characteristics: chars };
}

export function gattTable(model: Model, address: string): ServiceDef[] {
  const systemId = Uint8Array.from(
    address.split(":").reverse().map((h) => parseInt(h, 16)).flatMap((b, i) =>
      i === 3 ? [0, 0, b] : [b]
    ),
  );
  const services: ServiceDef[] = [
    {
      uuid: "1800",
      characteristics: [
        { uuid: "2a00", properties: ["read"], value: text(DEVICE_NAME[model]) },
        { uuid: "2a01", properties: ["read"], value: Uint8Array.of(0, 0) },
        {
          uuid: "2a04",
          properties: ["read"],
          value: Uint8Array.of(0x50, 0, 0xa0, 0, 0, 0, 0xe8, 0x03),
        },
      ],
    },
    { uuid: "1801", characteristics: [{ uuid: "2a05", properties: ["indicate"] }] },
    {
      uuid: n(DEVICE_INFO.service),
      characteristics: [
        { uuid: n(DEVICE_INFO.systemId), properties: ["read"], value: systemId.slice(0, 8) },
        {
          uuid: n(DEVICE_INFO.modelNumber),
          properties: ["read"],
          value: text(model === "cc2650" ? "CC2650 SensorTag" : "N.A."),
        },
        { uuid: n(DEVICE_INFO.serialNumber), properties: ["read"], value: text("N.A.") },
        {
          uuid: n(DEVICE_INFO.firmwareRevision),
          properties: ["read"],
          value: text(FIRMWARE[model]),
        },
        {
          uuid: n(DEVICE_INFO.hardwareRevision),
          properties: ["read"],
          value: text(model === "cc2650" ? "PCB 1.2/1.3" : "N.A."),
        },
        { uuid: n(DEVICE_INFO.softwareRevision), properties: ["read"], value: text("N.A.") },
        {
          uuid: n(DEVICE_INFO.manufacturerName),
          properties: ["read"],
          value: text("Texas Instruments"),
        },
        {
          uuid: "2a2a",
          properties: ["read"],
          value: Uint8Array.of(
            0xfe,
            0x00,
            0x65,
            0x78,
            0x70,
            0x65,
            0x72,
            0x69,
            0x6d,
            0x65,
            0x6e,
            0x74,
            0x61,
            0x6c,
          ),
        },
        {
          uuid: "2a50",
          properties: ["read"],
          value: Uint8Array.of(0x01, 0x0d, 0x00, 0x00, 0x00, 0x10, 0x01),
        },
      ],
    },
  ];
  for (const list of Object.values(SENSOR_GATT[model])) {
    for (const g of list ?? []) {
      if (g.part === "keys" || g.part === "battery") continue;
      services.push(sensorService(g));
    }
  }
  if (model === "cc2650") {
    services.push({
      uuid: n(uuid16To128("180f")),
      characteristics: [{
        uuid: "2a19",
        properties: ["read", "notify"],
        part: "battery",
        role: "data",
      }],
    });
    services.push({
      uuid: n(tiUuid("aa64")),
      characteristics: [
        { uuid: n(tiUuid("aa65")), properties: ["read", "write"], value: Uint8Array.of(0x7f) },
        { uuid: n(tiUuid("aa66")), properties: ["read", "write"], value: Uint8Array.of(0x00) },
      ],
    });
    services.push({
      uuid: n(tiUuid("ac00")),
      characteristics: [
        { uuid: n(tiUuid("ac01")), properties: ["read", "write", "notify"] },
        { uuid: n(tiUuid("ac02")), properties: ["read", "write"] },
        { uuid: n(tiUuid("ac03")), properties: ["read", "write"] },
      ],
    });
  } else {
    services.push({
      uuid: n(tiUuid("aa60")),
      characteristics: [
        { uuid: n(tiUuid("aa61")), properties: ["read"], value: Uint8Array.of(0x3f, 0x00) },
        { uuid: n(tiUuid("aa62")), properties: ["read", "write"], value: Uint8Array.of(0x00) },
      ],
    });
  }
  services.push({
    uuid: "ffe0",
    characteristics: [{ uuid: "ffe1", properties: ["notify"], part: "keys", role: "data" }],
  });
  services.push({
    uuid: n(tiUuid("ccc0")),
    characteristics: [
      {
        uuid: n(tiUuid("ccc1")),
        properties: ["read", "notify"],
        value: Uint8Array.of(0x50, 0x00, 0x00, 0x00, 0xe8, 0x03),
      },
      { uuid: n(tiUuid("ccc2")), properties: ["write"] },
      { uuid: n(tiUuid("ccc3")), properties: ["write"] },
    ],
  });
  services.push({
    uuid: n(tiUuid("ffc0")),
    characteristics: [
      { uuid: n(tiUuid("ffc1")), properties: ["write", "writeWithoutResponse", "notify"] },
      { uuid: n(tiUuid("ffc2")), properties: ["write", "writeWithoutResponse", "notify"] },
    ],
  });
  return services;
}
