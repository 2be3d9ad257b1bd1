/** Parsers for option values: each error says which option and what was expected. */
import { InvalidArgumentError } from "commander";
// @ts-types="@types/bytes"
import bytes from "bytes";

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
export function byteSize(what: string) {
  return (value: string): number => {
    const n = bytes.parse(value.replace(/ib$/i, "b"));
    if (n === null || !Number.isFinite(n) || n <= 0) {
      throw new InvalidArgumentError(`${what} must be a size such as 256MB or 1GB, got "${value}"`);
    }
    return Math.floor(n);
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
