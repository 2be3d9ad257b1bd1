/**
 * UUIDv7 (RFC 9562): a 48-bit Unix-millisecond timestamp, the version 7, 74 bits that are random,
 * and the variant `10`. Time-ordered as text and as bytes; unique by its random bits alone, so two
 * gateways whose clocks agree (or a Pi that boots with a wrong clock and meets its own earlier
 * readings) do not collide.
 *
 * Monotonic within a generator (RFC 9562 §6.2, method 1 with a 42-bit counter): the 12 bits of
 * `rand_a` and the first 30 of `rand_b` are a counter seeded at random on each new millisecond (its
 * top bit clear, so it has room to count) and incremented within one; the last 32 bits are fresh
 * random bits on every call. A clock that goes back, or a counter that runs out, keeps the last
 * timestamp (advanced by one on overflow), so ids never go backwards within a process.
 */

/** Where the generator gets its time and its random bytes (tests inject both). */
export interface UuidV7Sources {
  /** Milliseconds since the Unix epoch. */
  now?: () => number;
  /** Fills `bytes` with random bytes, as `crypto.getRandomValues`. */
  random?: (bytes: Uint8Array) => void;
  /** Width of the counter, 42 bits; tests make it narrow to reach its overflow. */
  counterBits?: number;
}

const MAX_MS = 2 ** 48 - 1;

/** The canonical text form: 8-4-4-4-12 lower-case hex digits, version 7, variant 10. */
export const UUID_V7_PATTERN =
  /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A generator of UUIDv7 text, monotonic across its calls. */
export function uuidV7Generator(sources: UuidV7Sources = {}): () => string {
  const now = sources.now ?? Date.now;
  const random = sources.random ?? ((b: Uint8Array) => void crypto.getRandomValues(b));
  const bytes = new Uint8Array(16);
  const seed = new Uint8Array(6);
  let lastMs = -1;
  let counter = 0;
  const counterLimit = 2 ** Math.min(42, sources.counterBits ?? 42);

  const reseed = () => {
    random(seed);
    // Random bits below the counter's top bit, which starts clear.
    const r = ((seed[0] & 0x01) * 2 ** 40) + seed[1] * 2 ** 32 +
      ((seed[2] << 24) >>> 0) + (seed[3] << 16) + (seed[4] << 8) + seed[5];
    counter = r % (counterLimit / 2);
  };

  return () => {
    const t = Math.floor(now());
    if (!Number.isFinite(t) || t < 0 || t > MAX_MS) {
      throw new RangeError(`UUIDv7: the clock reads ${t}, outside 0..2^48-1 ms`);
    }
    if (t > lastMs) {
      lastMs = t;
      reseed();
    } else if (++counter >= counterLimit) {
      // More ids in one millisecond than the counter holds: borrow the next millisecond.
      lastMs = Math.min(lastMs + 1, MAX_MS);
      reseed();
    }
    random(bytes);
    let ms = lastMs;
    for (let i = 5; i >= 0; i--) {
      bytes[i] = ms % 256;
      ms = Math.floor(ms / 256);
    }
    const hi = Math.floor(counter / 2 ** 30); // 12 bits: rand_a
    const lo = counter % 2 ** 30; // 30 bits: the start of rand_b
    bytes[6] = 0x70 | (hi >>> 8);
    bytes[7] = hi & 0xff;
    bytes[8] = 0x80 | (lo >>> 24);
    bytes[9] = (lo >>> 16) & 0xff;
    bytes[10] = (lo >>> 8) & 0xff;
    bytes[11] = lo & 0xff;
    // bytes 12..15 stay as random() left them.
    return format(bytes);
  };
}

/** The millisecond timestamp a UUIDv7 text carries. */
export function uuidV7Time(uuid: string): number {
  if (!UUID_V7_PATTERN.test(uuid)) throw new Error(`not a UUIDv7: ${JSON.stringify(uuid)}`);
  return parseInt(uuid.slice(0, 8) + uuid.slice(9, 13), 16);
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

function format(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) s += "-";
    s += HEX[b[i]];
  }
  return s;
}

/** One process-wide generator: readings and spools share its monotonic order. */
export const newUuidV7: () => string = uuidV7Generator();
