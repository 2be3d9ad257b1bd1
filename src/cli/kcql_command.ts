/** `gateway kcql check "<statements>"` */
import { Command } from "commander";
import { kcqlCheck } from "../sink/kcql/check.ts";

export function kcqlCommand(): Command {
  const kcql = new Command("kcql").description("KCQL tools");
  kcql.command("check")
    .description(
      "Validate KCQL and print each statement's plan as JSON: target, source, fields with " +
        "aliases, ignored fields, primary keys, write mode, batch size, warnings. Errors name " +
        "line and column. Exits 2 when a statement is invalid.",
    )
    .argument(
      "<statements...>",
      "one or more statements separated by ';' (or - to read them from stdin)",
    )
    .action(async (parts: string[]) => {
      const text = parts.length === 1 && parts[0] === "-"
        ? await new Response(Deno.stdin.readable).text()
        : parts.join(" ");
      const report = kcqlCheck(text);
      console.log(JSON.stringify(report, null, 2));
      for (const e of report.errors) console.error(e.excerpt);
      // Invalid KCQL is a usage error, as it is for `gateway sink --kcql`.
      if (!report.valid) Deno.exitCode = 2;
    });
  return kcql;
}
