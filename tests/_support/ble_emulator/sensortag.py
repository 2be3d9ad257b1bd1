"""
Emulated TI SensorTags (CC2650STK and the original CC2541 SensorTag) as Bumble GATT servers.

Written from TI's documents, not from the gateway's code: the CC2650 SensorTag User's Guide
(GATT server section: one primary service per sensor with Data / Configuration / Period
characteristics under the base UUID F000xxxx-0451-4000-B000-000000000000, period in 10 ms
units, the Simple Keys service FFE0/FFE1, the battery service 180F/2A19) and the (CC2541)
SensorTag User Guide (separate accelerometer AA10, magnetometer AA30 and gyroscope AA50
services, the barometer's calibration characteristic AA43 filled after writing 0x02 to its
configuration), with the conversions of the chips' data sheets (TMP006/TMP007, HDC1000, SHT21,
BMP280, T5400, OPT3001, MPU9250, KXTJ9, MAG3110, IMU-3000).

Firmware behaviour modelled:
- a sensor is off until its configuration is written; a disabled sensor's data reads zeros;
- after enabling, data stays zero until the first conversion is done (CONVERSION_MS), then is
  refreshed every period;
- the period register is in 10 ms units, clamped to the sensor's documented minimum;
- notifications go out once per period, only while the sensor is enabled and the central has
  subscribed (its CCCD written);
- a disconnect switches every sensor off and forgets the periods (the central must enable them
  again after reconnecting).

Each tag serves constant physical values (its "truth", per tag index), so a test can check what
the gateway decoded against what the tag meant.
"""
from __future__ import annotations

import asyncio
import math
import struct
import time
from dataclasses import dataclass, field

from bumble import att, gatt


def ti_uuid(short: int) -> str:
    return f"F000{short:04X}-0451-4000-B000-000000000000"


READ = gatt.Characteristic.Properties.READ
WRITE = gatt.Characteristic.Properties.WRITE
NOTIFY = gatt.Characteristic.Properties.NOTIFY
RW = gatt.Characteristic.READABLE | gatt.Characteristic.WRITEABLE
R = gatt.Characteristic.READABLE

# Time from enabling a sensor to its first result, ms (data sheets' conversion times, rounded
# up; the IR sensors average 4 samples of ~250 ms in TI's firmware setting).
CONVERSION_MS = {
    "tmp007": 250, "tmp006": 250, "hdc1000": 15, "sht21": 110, "bmp280": 45, "t5400": 60,
    "opt3001": 800, "mpu9250": 100, "kxtj9": 20, "mag3110": 20, "imu3000": 50,
}
# Documented minimum periods, ms (IR: 300 ms; the others 100 ms).
MIN_PERIOD_MS = {"tmp007": 300, "tmp006": 300}
DEFAULT_PERIOD_MS = 1000

# T5400 calibration coefficients served by the emulated CC2541 (c1..c4 unsigned, c5..c8 signed).
T5400_CAL = (24000, 51000, 46372, 43981, -1024, 2000, -1000, 100)
# TMP006 constants (TI's SensorTag user guide / TMP006 user guide).
TMP006 = dict(S0=6.4e-14, a1=1.75e-3, a2=-1.678e-5, b0=-2.94e-5, b1=-5.7e-7, b2=4.63e-9,
              c2=13.4, Tref=298.15)


def truth_for(model: str, index: int) -> dict:
    """The physical values tag `index` measures (constant; distinct per tag)."""
    k = index % 10
    t = {
        "ambient": 21.0 + 0.5 * k,
        "object": 18.0 + 0.25 * k,
        "humidity_temp": 22.0 + 0.5 * k,
        "rh": 40.0 + 2 * k,
        "baro_temp": 23.0 + 0.25 * k,
        "pressure": 1000.0 + 1.5 * k,  # hPa
        "accel": [0.25, -0.5, 1.0],  # g
        "gyro": [10.0 + k, -20.0, 30.0],  # deg/s
        "mag": [25.0, -12.0, 40.0 + k],  # uT
        "battery": 90 - k,
    }
    if model == "cc2650":
        t["lux"] = 320.0 + 10 * k
    return t


# ---- encoders: physical value -> raw bytes, per data sheet -------------------------------

def enc_tmp007(t: dict) -> bytes:
    # CC2650 guide: object/ambient = (raw >> 2) * 0.03125 degC.
    return struct.pack("<hh", round(t["object"] / 0.03125) << 2, round(t["ambient"] / 0.03125) << 2)


def enc_tmp006(t: dict) -> bytes:
    # Ambient (die) = raw / 128 degC; object from the thermopile voltage (156.25 nV/LSB)
    # through the TMP006 model, inverted here.
    c = TMP006
    tdie = t["ambient"] + 273.15
    dt = tdie - c["Tref"]
    s = c["S0"] * (1 + c["a1"] * dt + c["a2"] * dt * dt)
    vos = c["b0"] + c["b1"] * dt + c["b2"] * dt * dt
    f = s * ((t["object"] + 273.15) ** 4 - tdie ** 4)
    x = (-1 + math.sqrt(1 + 4 * c["c2"] * f)) / (2 * c["c2"])
    vobj = x + vos
    return struct.pack("<hh", round(vobj / 156.25e-9), round(t["ambient"] * 128))


def enc_hdc1000(t: dict) -> bytes:
    temp = round((t["humidity_temp"] + 40) / 165 * 65536)
    hum = round(t["rh"] / 100 * 65536) & ~0x3
    return struct.pack("<HH", min(temp, 0xFFFF), min(hum, 0xFFFF))


def enc_sht21(t: dict) -> bytes:
    temp = round((t["humidity_temp"] + 46.85) / 175.72 * 65536) & ~0x3
    hum = round((t["rh"] + 6) / 125 * 65536) & ~0x3
    return struct.pack("<HH", temp, hum)


def enc_bmp280(t: dict) -> bytes:
    temp = round(t["baro_temp"] * 100)
    press = round(t["pressure"] * 100)
    return temp.to_bytes(3, "little", signed=True) + press.to_bytes(3, "little")


def t5400_raw(t: dict) -> tuple[int, int]:
    c1, c2, c3, c4, c5, c6, c7, c8 = T5400_CAL
    # Ta[degC] = (c1 * Tr / 2^8 + c2 * 2^6) / 2^16
    tr = round((t["baro_temp"] * 65536 - c2 * 64) * 256 / c1)
    s = c3 + c4 * tr / 2**17 + c5 * tr * tr / 2**34
    o = c6 * 2**14 + c7 * tr / 2**3 + c8 * tr * tr / 2**19
    # Pa = (S * Pr + O) / 2^14
    pr = round((t["pressure"] * 100 * 2**14 - o) / s)
    return tr, pr


def enc_t5400(t: dict) -> bytes:
    tr, pr = t5400_raw(t)
    return struct.pack("<hH", tr, pr)


def enc_t5400_calibration() -> bytes:
    return struct.pack("<HHHHhhhh", *T5400_CAL)


def enc_opt3001(t: dict) -> bytes:
    # lux = m * 0.01 * 2^e, m 12 bits, e 4 bits
    for e in range(16):
        m = round(t["lux"] / (0.01 * 2**e))
        if m <= 0x0FFF:
            return struct.pack("<H", (e << 12) | m)
    raise ValueError("lux out of range")


def enc_mpu9250(t: dict, config: int) -> bytes:
    acc_range = (2, 4, 8, 16)[(config >> 8) & 0x3]
    gyro = [round(v * 65536 / 500) if config & (1 << i) else 0 for i, v in
            enumerate(reversed(t["gyro"]))][::-1]  # bits 0..2: gyro z, y, x
    acc = [round(v * 32768 / acc_range) if config & (1 << (3 + i)) else 0 for i, v in
           enumerate(reversed(t["accel"]))][::-1]  # bits 3..5: accel z, y, x
    # bit 6: magnetometer. The guide's conversion reads the value as uT 1:1, but the firmware
    # passes on the AK8963's 16-bit counts, 0.15 uT/LSB (4912 uT over 32760, the MPU-9250 data
    # sheet): the data sheet is followed here.
    mag = [round(v * 32760 / 4912) if config & (1 << 6) else 0 for v in t["mag"]]
    return struct.pack("<9h", *gyro, *acc, *mag)


def enc_kxtj9(t: dict) -> bytes:
    # Firmware 1.5: +-8 g over 8 bits, 16 counts per g.
    return struct.pack("<3b", *[max(-128, min(127, round(v * 16))) for v in t["accel"]])


def enc_mag3110(t: dict) -> bytes:
    return struct.pack("<3h", *[round(v * 65536 / 2000) for v in t["mag"]])


def enc_imu3000(t: dict, config: int) -> bytes:
    # bits 0..2 of the configuration enable X, Y, Z; 65536 counts over 500 deg/s.
    return struct.pack("<3h", *[round(v * 65536 / 500) if config & (1 << i) else 0
                                for i, v in enumerate(t["gyro"])])


@dataclass
class Sensor:
    part: str
    service: int
    data_len: int
    encode: object  # (truth, config) -> bytes
    config_len: int = 1
    calibration: bool = False
    config: int = 0
    period_ms: int = DEFAULT_PERIOD_MS
    enabled_at: float | None = None
    value: bytes = b""
    calibrated: bool = False
    data_char: gatt.Characteristic | None = None
    task: asyncio.Task | None = None

    def enabled(self) -> bool:
        return self.config != 0 and self.config != 2

    def off(self) -> None:
        self.config = 0
        self.enabled_at = None
        self.period_ms = DEFAULT_PERIOD_MS
        self.value = bytes(self.data_len)
        self.calibrated = False


def sensors_of(model: str) -> list[Sensor]:
    if model == "cc2650":
        return [
            Sensor("tmp007", 0xAA00, 4, lambda t, c: enc_tmp007(t)),
            Sensor("hdc1000", 0xAA20, 4, lambda t, c: enc_hdc1000(t)),
            Sensor("bmp280", 0xAA40, 6, lambda t, c: enc_bmp280(t)),
            Sensor("opt3001", 0xAA70, 2, lambda t, c: enc_opt3001(t)),
            Sensor("mpu9250", 0xAA80, 18, lambda t, c: enc_mpu9250(t, c), config_len=2),
        ]
    return [
        Sensor("tmp006", 0xAA00, 4, lambda t, c: enc_tmp006(t)),
        Sensor("kxtj9", 0xAA10, 3, lambda t, c: enc_kxtj9(t)),
        Sensor("sht21", 0xAA20, 4, lambda t, c: enc_sht21(t)),
        Sensor("mag3110", 0xAA30, 6, lambda t, c: enc_mag3110(t)),
        Sensor("t5400", 0xAA40, 4, lambda t, c: enc_t5400(t), calibration=True),
        Sensor("imu3000", 0xAA50, 6, lambda t, c: enc_imu3000(t, c)),
    ]


FIRMWARE = {"cc2650": "1.32 (Mar 12 2018)", "cc2541": "1.5 (Feb  7 2013)"}
LOCAL_NAME = {"cc2650": "CC2650 SensorTag", "cc2541": "SensorTag"}


@dataclass
class Faults:
    """Injected by the control channel: per characteristic short UUID (e.g. 0xAA02)."""
    fail_writes: dict = field(default_factory=dict)  # uuid -> (att error code, remaining count)
    hang_reads: set = field(default_factory=set)


class SensorTag:
    """The GATT server and sensor firmware of one tag (the Device is made by the emulator)."""

    def __init__(self, model: str, index: int):
        self.model = model
        self.index = index
        self.truth = truth_for(model, index)
        self.sensors = sensors_of(model)
        self.keys = 0
        self.faults = Faults()
        self.device = None  # set by the emulator
        self.keys_char: gatt.Characteristic | None = None
        self.battery_char: gatt.Characteristic | None = None
        for s in self.sensors:
            s.off()

    # ---- GATT ----

    def _guard_read(self, uuid: int, fn):
        async def read(_connection):
            if uuid in self.faults.hang_reads:
                await asyncio.Event().wait()  # never answered (the central must time out)
            return fn()
        return read

    def _guard_write(self, uuid: int, fn):
        def write(_connection, value):
            fault = self.faults.fail_writes.get(uuid)
            if fault:
                code, remaining = fault
                if remaining <= 1:
                    del self.faults.fail_writes[uuid]
                else:
                    self.faults.fail_writes[uuid] = (code, remaining - 1)
                raise att.ATT_Error(code)
            fn(bytes(value))
        return write

    def services(self) -> list[gatt.Service]:
        out = [gatt.Service(gatt.GATT_DEVICE_INFORMATION_SERVICE, [
            gatt.Characteristic(gatt.GATT_FIRMWARE_REVISION_STRING_CHARACTERISTIC, READ, R,
                                FIRMWARE[self.model].encode()),
        ])]
        for s in self.sensors:
            out.append(self._sensor_service(s))
        self.keys_char = gatt.Characteristic(
            "FFE1", NOTIFY, R, gatt.CharacteristicValue(read=lambda _c: bytes([self.keys])))
        out.append(gatt.Service("FFE0", [self.keys_char]))
        if self.model == "cc2650":
            self.battery_char = gatt.Characteristic(
                gatt.GATT_BATTERY_LEVEL_CHARACTERISTIC, READ | NOTIFY, R,
                gatt.CharacteristicValue(read=self._guard_read(
                    0x2A19, lambda: bytes([self.truth["battery"]]))))
            out.append(gatt.Service(gatt.GATT_BATTERY_SERVICE, [self.battery_char]))
        return out

    def _sensor_service(self, s: Sensor) -> gatt.Service:
        base = s.service
        data = gatt.Characteristic(
            ti_uuid(base + 1), READ | NOTIFY, R,
            gatt.CharacteristicValue(read=self._guard_read(base + 1, lambda: self._data(s))))
        s.data_char = data
        config = gatt.Characteristic(
            ti_uuid(base + 2), READ | WRITE, RW,
            gatt.CharacteristicValue(
                read=self._guard_read(base + 2,
                                      lambda: s.config.to_bytes(s.config_len, "little")),
                write=self._guard_write(base + 2, lambda v: self._configure(s, v))))
        period_uuid = base + (4 if s.calibration else 3)  # CC2541 barometer: AA43 is calibration
        period = gatt.Characteristic(
            ti_uuid(period_uuid), READ | WRITE, RW,
            gatt.CharacteristicValue(
                read=self._guard_read(period_uuid, lambda: bytes([s.period_ms // 10])),
                write=self._guard_write(period_uuid, lambda v: self._set_period(s, v))))
        chars = [data, config, period]
        if s.calibration:
            chars.append(gatt.Characteristic(
                ti_uuid(base + 3), READ, R,
                gatt.CharacteristicValue(read=self._guard_read(
                    base + 3,
                    lambda: enc_t5400_calibration() if s.calibrated else bytes(16)))))
        return gatt.Service(ti_uuid(base), chars)

    # ---- firmware ----

    def _data(self, s: Sensor) -> bytes:
        if not s.enabled():
            return bytes(s.data_len)
        self._convert(s)
        return s.value

    def _convert(self, s: Sensor) -> None:
        """The latest conversion's bytes (zeros until the first one is done)."""
        if s.enabled_at is None:
            return
        if (time.monotonic() - s.enabled_at) * 1000 >= CONVERSION_MS[s.part]:
            s.value = s.encode(self.truth, s.config)

    def _configure(self, s: Sensor, value: bytes) -> None:
        if len(value) != s.config_len:
            raise att.ATT_Error(att.ErrorCode.INVALID_ATTRIBUTE_LENGTH)
        new = int.from_bytes(value, "little")
        if s.calibration and new == 2:
            s.calibrated = True  # T5400: the calibration values are read into AA43
            return
        was = s.enabled()
        s.config = new
        if s.enabled() and not was:
            s.enabled_at = time.monotonic()
            s.value = bytes(s.data_len)
            self._start_notifier(s)
        elif not s.enabled():
            s.enabled_at = None
            s.value = bytes(s.data_len)

    def _set_period(self, s: Sensor, value: bytes) -> None:
        if len(value) != 1:
            raise att.ATT_Error(att.ErrorCode.INVALID_ATTRIBUTE_LENGTH)
        s.period_ms = max(value[0] * 10, MIN_PERIOD_MS.get(s.part, 100))

    def _start_notifier(self, s: Sensor) -> None:
        if s.task is None or s.task.done():
            s.task = asyncio.get_running_loop().create_task(self._notify_loop(s))

    async def _notify_loop(self, s: Sensor) -> None:
        # One notification per period while enabled (Bumble sends only to subscribers).
        await asyncio.sleep(CONVERSION_MS[s.part] / 1000)
        while s.enabled() and self.device is not None:
            self._convert(s)
            if s.data_char is not None:
                await self.device.notify_subscribers(s.data_char, s.value)
            await asyncio.sleep(s.period_ms / 1000)

    async def press_keys(self, bits: int) -> None:
        self.keys = bits
        if self.device is not None and self.keys_char is not None:
            await self.device.notify_subscribers(self.keys_char, bytes([bits]))

    def on_disconnect(self) -> None:
        """Every sensor off, as the firmware does when the link goes."""
        for s in self.sensors:
            s.off()
            if s.task is not None:
                s.task.cancel()
                s.task = None

    def state(self) -> dict:
        return {s.part: {"config": s.config, "period_ms": s.period_ms} for s in self.sensors}

    def advertising_data(self) -> bytes:
        def ad(kind: int, data: bytes) -> bytes:
            return bytes([len(data) + 1, kind]) + data
        out = ad(0x01, bytes([0x06]))  # LE general discoverable, BR/EDR not supported
        out += ad(0x09, LOCAL_NAME[self.model].encode())
        if self.model == "cc2650":
            out += ad(0x02, struct.pack("<H", 0xAA80))  # the movement service, as the guide shows
        return out
