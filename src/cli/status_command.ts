/**
 * `gateway status [--url ...] [--json]`: asks running gateways (their
 * `/status.json`) how they are. Exit 0 when every one answered healthy, 1 otherwise.
 * Without --url it asks the gateways installed as services here (or both when none is): one
 * that does not answer is not running, which is not healthy.
 */
import { Command, Option } from "commander";
import { HTTP_DEFAULTS } from "../http/http_address.ts";
import { type StatusReport, statusText } from "../status/status_table.ts";
import { duration, httpUrl, switchOption } from "./option_values.ts";
import { type DurationBounds, durationHelp } from "../util/duration.ts";

/** `--timeout`: at most an hour for each gateway to answer. */
export const STATUS_TIMEOUT: DurationBounds = { unit: "s", maxMs: 3_600_000 };

interface StatusOptions {
  url?: string[];
  json: boolean;
  timeout: number;
}

const DEFAULT_URLS = [`http://${HTTP_DEFAULTS.produce}`, `http://${HTTP_DEFAULTS.sink}`];

/** Where `install-service` puts the units. */
export const UNIT_DIR = "/etc/systemd/system";

/**
 * The gateways `gateway status` asks without --url: those installed as services in `unitDir`
 * (gateway-produce.service, gateway-sink.service), or both when neither is, each at its default
 * address.
 */
export function defaultTargets(unitDir = UNIT_DIR): { kind: string; url: string }[] {
  const all = (["produce", "sink"] as const).map((kind) => ({
    kind,
    url: `http://${HTTP_DEFAULTS[kind]}`,
  }));
  const installed = all.filter(({ kind }) => {
    try {
      return Deno.statSync(`${unitDir}/gateway-${kind}.service`).isFile;
    } catch {
      return false;
    }
  });
  return installed.length > 0 ? installed : all;
}

/** Asks one gateway; never throws. */
export async function fetchStatus(url: string, timeoutMs: number): Promise<StatusReport> {
  try {
    const res = await fetch(new URL("/status.json", url), {
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!res.ok) {
      await res.body?.cancel();
      return { url, reachable: false, error: `HTTP ${res.status} from ${url}/status.json` };
    }
    return { url, reachable: true, status: await res.json() };
  } catch (error) {
    return { url, reachable: false, error: (error as Error).message };
  }
}

export function statusCommand(): Command {
  const urlParser = httpUrl("--url");
  return new Command("status")
    .description(
      "Show how running gateways are: tags, spool, Kafka, registry (produce); partitions, lag, " +
        `MongoDB (sink). Asks ${
          DEFAULT_URLS.join(" and ")
        } (only the gateways installed as services, if any) unless --url is given. ` +
        "Exit code 0 when all answer healthy, 1 when not (one that does not answer is not running).",
    )
    .addOption(
      new Option("--url <url...>", "a gateway's HTTP address (its --http), repeatable")
        .env("GATEWAY_STATUS_URL")
        .argParser((v: string, prev?: string[]) => [
          ...(prev ?? []),
          ...v.split(/[\s,]+/).filter(Boolean).map(urlParser),
        ]),
    )
    .addOption(
      switchOption("--json", "print the status as JSON (for scripts)", "GATEWAY_STATUS_JSON")
        .default(false),
    )
    .addOption(
      new Option(
        "--timeout <seconds>",
        `how long to wait for each gateway (${durationHelp(STATUS_TIMEOUT)})`,
      ).env("GATEWAY_STATUS_TIMEOUT").default(5).argParser(duration("--timeout", STATUS_TIMEOUT)),
    )
    .action(async (options: StatusOptions) => {
      const explicit = options.url !== undefined && options.url.length > 0;
      const targets = explicit
        ? options.url!.map((url) => ({ kind: undefined as string | undefined, url }))
        : defaultTargets();
      const reports = await Promise.all(
        targets.map(async ({ kind, url }) => {
          const r = await fetchStatus(url, Math.round(options.timeout * 1000));
          // Without --url, a default address nothing answers on is that gateway not running.
          if (kind && !r.reachable) {
            r.error = `the ${kind} gateway is not running here (nothing answers on ${url}: ` +
              `${r.error}); give --url if it listens elsewhere`;
          }
          return r;
        }),
      );
      const healthy = reports.length > 0 && reports.every((r) => r.reachable && r.status?.healthy);
      if (options.json) {
        console.log(JSON.stringify({ healthy, gateways: reports }, null, 2));
      } else {
        const color = Deno.stdout.isTerminal() && !Deno.env.get("NO_COLOR");
        Deno.stdout.writeSync(new TextEncoder().encode(statusText(reports, color)));
      }
      Deno.exitCode = healthy ? 0 : 1;
    });
}
