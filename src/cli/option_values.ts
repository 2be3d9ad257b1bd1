/** Parsers for option values: each error says which option and what was expected. */
import { InvalidArgumentError } from "commander";
import { parseByteSize, SIZE_UNITS_HELP } from "../util/byte_size.ts";

export function positiveInt(what: string, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    if (!/^\d+$/.test(value.trim())) {
      throw new InvalidArgumentError(`${what} must be a whole number, got "${value}"`);
    }
    const n = Number(value);
    if (n < 1 || n > max) {
      throw new InvalidArgumentError(`${what} must be between 1 and ${max}, got ${n}`);
    }
    return n;
  };
}

export function positiveSeconds(what: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n) || n <= 0) {
      throw new InvalidArgumentError(
        `${what} must be a positive number of seconds, got "${value}"`,
      );
    }
    return n;
  };
}

export function oneOf<T extends string>(what: string, choices: readonly T[]) {
  return (value: string): T => {
    const v = value.trim().toLowerCase();
    if (!(choices as readonly string[]).includes(v)) {
      throw new InvalidArgumentError(
        `${what} must be one of ${choices.join(", ")}, got "${value}"`,
      );
    }
    return v as T;
  };
}

/** `268435456`, `256MB`, `256MiB`, `1gb`: sizes in bytes (1 KB = 1024 bytes). */
/** A size option, parsed strictly (src/util/byte_size.ts: one size grammar for every option). */
export function byteSize(what: string) {
  return (value: string): number => {
    let n: number;
    try {
      n = parseByteSize(value);
    } catch (error) {
      throw new InvalidArgumentError(`${what}: ${(error as Error).message}`);
    }
    if (n <= 0) {
      throw new InvalidArgumentError(`${what} must be more than 0 bytes (${SIZE_UNITS_HELP})`);
    }
    return n;
  };
}

export function httpUrl(what: string) {
  return (value: string): string => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new InvalidArgumentError(`${what} must be an http(s) URL, got "${value}"`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new InvalidArgumentError(`${what} must be an http(s) URL, got "${value}"`);
    }
    return value.replace(/\/+$/, "");
  };
}

/** A whole number of seconds, 0 included (0: never give up). */
export function wholeSeconds(what: string) {
  return (v: string): number => {
    if (!/^\d+$/.test(v.trim())) {
      throw new InvalidArgumentError(
        `${what} must be a whole number of seconds (0: never), got "${v}"`,
      );
    }
    return Number(v);
  };
}
