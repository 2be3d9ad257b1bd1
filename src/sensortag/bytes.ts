/** Little-endian byte helpers shared by the decoders and encoders. */

/** Throws unless `data` has one of the `lengths` (chip named in the message). */
export function requireLength(chip: string, data: Uint8Array, ...lengths: number[]): void {
  if (!(data instanceof Uint8Array)) {
    throw new TypeError(`${chip}: data must be a Uint8Array of bytes`);
  }
  if (!lengths.includes(data.length)) {
    const expected = lengths.length === 1 ? `${lengths[0]}` : lengths.join(" or ");
    throw new Error(`${chip}: expected ${expected} bytes, got ${data.length}`);
  }
}

function view(data: Uint8Array): DataView {
  return new DataView(data.buffer, data.byteOffset, data.byteLength);
}

export function int8(data: Uint8Array, at: number): number {
  return view(data).getInt8(at);
}

export function uint16le(data: Uint8Array, at: number): number {
  return view(data).getUint16(at, true);
}

export function int16le(data: Uint8Array, at: number): number {
  return view(data).getInt16(at, true);
}

export function uint24le(data: Uint8Array, at: number): number {
  return data[at] | (data[at + 1] << 8) | (data[at + 2] << 16);
}

/** A 24-bit two's complement value, sign-extended. */
export function int24le(data: Uint8Array, at: number): number {
  const u = uint24le(data, at);
  return u & 0x800000 ? u - 0x1000000 : u;
}

/** Throws unless `v` is a finite number (names chip and quantity). */
export function requireFinite(chip: string, what: string, v: number): number {
  if (typeof v !== "number" || !Number.isFinite(v)) {
    throw new Error(`${chip}: ${what} must be a finite number, got ${String(v)}`);
  }
  return v;
}

/** Rounds to the nearest integer and saturates to [lo, hi], as a sensor's register does at full scale. */
export function saturate(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, Math.round(v)));
}

/** Little-endian byte writer for the encoders. */
export class ByteWriter {
  readonly bytes: Uint8Array;
  readonly #view: DataView;
  constructor(length: number) {
    this.bytes = new Uint8Array(length);
    this.#view = new DataView(this.bytes.buffer);
  }
  int8(at: number, v: number): this {
    this.#view.setInt8(at, v);
    return this;
  }
  uint8(at: number, v: number): this {
    this.#view.setUint8(at, v);
    return this;
  }
  int16(at: number, v: number): this {
    this.#view.setInt16(at, v, true);
    return this;
  }
  uint16(at: number, v: number): this {
    this.#view.setUint16(at, v, true);
    return this;
  }
  /** 24-bit little-endian, two's complement for negative values. */
  int24(at: number, v: number): this {
    const u = v < 0 ? v + 0x1000000 : v;
    this.bytes[at] = u & 0xff;
    this.bytes[at + 1] = (u >> 8) & 0xff;
    this.bytes[at + 2] = (u >> 16) & 0xff;
    return this;
  }
}
