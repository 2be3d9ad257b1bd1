/**
 * One setting, defined once: its flag, environment variable, default, parser and help. Commands
 * turn specs into commander options with {@linkcode toOption}; configuration files map their keys
 * onto the same specs, so a setting has one name, one parser and one help text everywhere.
 */
import { InvalidArgumentError, Option } from "commander";

/** One setting of a command. */
export interface OptionSpec<T = string> {
  /** The flag with its argument, e.g. `--sasl-password <secret>`. */
  flag: string;
  /** The environment variable that sets it (`GATEWAY_*`). */
  env: string;
  help: string;
  /** The value when neither flag, environment nor file sets it. */
  default?: T;
  /** How the default reads in `--help` (for values that print badly). */
  defaultHelp?: string;
  /** Parses and checks the text; throws an Error whose message names the flag. */
  parse?: (text: string) => T;
  /** The value is a secret: never shown (help, errors, logs). */
  secret?: boolean;
}

/** The commander option of a spec (its parser's errors become usage errors). */
export function toOption<T>(spec: OptionSpec<T>): Option {
  const option = new Option(spec.flag, spec.help).env(spec.env);
  if (spec.default !== undefined) option.default(spec.default, spec.defaultHelp);
  const parse = spec.parse;
  if (parse) {
    option.argParser((text: string) => {
      try {
        return parse(text);
      } catch (error) {
        throw new InvalidArgumentError((error as Error).message);
      }
    });
  }
  return option;
}

/** The camelCase key commander gives the spec's flag (`--sasl-password` → `saslPassword`). */
export function optionKey(spec: Pick<OptionSpec<unknown>, "flag">): string {
  const long = spec.flag.split(/[\s,]+/).find((p) => p.startsWith("--")) ?? spec.flag;
  return long.replace(/^--/, "").replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Whether the user set the option (command line or environment), not its default. */
export function givenByUser(
  source: string | undefined,
): boolean {
  return source === "cli" || source === "env";
}
