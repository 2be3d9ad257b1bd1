/**
 * What a setting's value may be, checked once for every place that sets it: a flag or its
 * environment variable (`--max-retries must be ...`, a usage error) and a configuration file's
 * key (`connect.mongo.max.retries=x is not ...`, one of the file's problems). The bounds live in
 * the kind, so a flag and a file key that set the same thing accept the same values.
 */
import { InvalidArgumentError } from "commander";
import { type DurationBounds, parseDuration } from "../util/duration.ts";

/** One check, worded for a flag or for a file key. */
export interface SettingKind<T> {
  /** The parser of `flag` (and its variable): throws an InvalidArgumentError naming the flag. */
  flag(flag: string): (text: string) => T;
  /** Parses the value of a file's `key`: throws an Error starting `key=value`. */
  file(key: string, text: string): T;
}

/** The largest integer a connector's INT setting holds. */
export const JAVA_INT_MAX = 2147483647;

/** A whole number from `min` to `max` (at most a Java INT, as in the connector's files). */
export function wholeNumber(min: number, max = JAVA_INT_MAX): SettingKind<number> {
  const read = (text: string): number | undefined => {
    const v = text.trim();
    const n = /^[+-]?\d+$/.test(v) ? Number(v) : NaN;
    return Number.isSafeInteger(n) ? n : undefined;
  };
  return {
    flag: (flag) => (text) => {
      const n = read(text);
      if (n === undefined) {
        throw new InvalidArgumentError(`${flag} must be a whole number, got "${text}"`);
      }
      if (n < min || n > max) {
        throw new InvalidArgumentError(`${flag} must be between ${min} and ${max}, got ${n}`);
      }
      return n;
    },
    file: (key, text) => {
      const n = read(text);
      if (n === undefined || n < min) {
        throw new Error(`${key}=${text} is not a whole number of at least ${min}`);
      }
      if (n > max) throw new Error(`${key}=${text} is more than ${max}`);
      return n;
    },
  };
}

/** One of `choices`, in any case; the value is as the choice is written. */
export function choice<T extends string>(choices: readonly T[]): SettingKind<T> {
  const read = (text: string): T | undefined => {
    const v = text.trim().toLowerCase();
    return choices.find((c) => c.toLowerCase() === v);
  };
  return {
    flag: (flag) => (text) => {
      const found = read(text);
      if (found === undefined) {
        throw new InvalidArgumentError(
          `${flag} must be one of ${choices.join(", ")}, got "${text}"`,
        );
      }
      return found;
    },
    file: (key, text) => {
      const found = read(text);
      if (found === undefined) {
        throw new Error(`${key}=${text} is not one of ${choices.join(", ")}`);
      }
      return found;
    },
  };
}

/**
 * A duration (src/util/duration.ts), in the setting's own unit (`bounds.unit`): `10s` is 10 for a
 * setting in seconds and 10000 for one in milliseconds.
 */
export function durationIn(bounds: DurationBounds): SettingKind<number> {
  const parse = (what: string, text: string): number => {
    const ms = parseDuration(what, text, bounds);
    return bounds.unit === "s" ? ms / 1000 : ms;
  };
  return {
    flag: (flag) => (text) => {
      try {
        return parse(flag, text);
      } catch (error) {
        throw new InvalidArgumentError((error as Error).message);
      }
    },
    file: (key, text) => {
      try {
        return parse(key, text);
      } catch (error) {
        // Out of bounds says the bound; text that is no duration at all says what a file takes.
        const message = (error as Error).message;
        if (!/ must be a positive number /.test(message)) throw error;
        throw new Error(
          `${key}=${text} is not a whole number of at least ${bounds.zero === undefined ? 1 : 0}`,
        );
      }
    },
  };
}
