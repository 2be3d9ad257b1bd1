/**
 * One default everywhere: every value the example env files (and the units' Environment= lines)
 * set is the command's own default, parsed by the option's own parser, unless a comment right
 * above it says why it differs ("differs from the default"). An option without a default (the
 * tags, the KCQL) is the operator's to fill in. The sink's error policy default is the connector's.
 */
import assert from "node:assert/strict";
import { isDeepStrictEqual } from "node:util";
import { join } from "node:path";
import { buildProgram } from "../src/cli/program.ts";
import { SINK_OPTIONS } from "../src/config/sink_options.ts";
import { sinkSettingsFromProperties } from "../src/sink/config/sink_settings.ts";
import { REPO } from "./_support/gateway_process.ts";

const KINDS = ["produce", "sink"] as const;

/** `VAR=value` settings of an env file or a unit, each with the comment block right above it. */
function settings(text: string): { name: string; value: string; comment: string; line: number }[] {
  const out = [];
  let comment: string[] = [];
  for (const [i, raw] of text.split("\n").entries()) {
    const line = raw.trim();
    if (line.startsWith("#")) {
      comment.push(line);
      continue;
    }
    const m = /^(?:Environment=)?(GATEWAY_[A-Z0-9_]+)=(.*)$/.exec(line);
    if (m) out.push({ name: m[1], value: m[2], comment: comment.join("\n"), line: i + 1 });
    comment = [];
  }
  return out;
}

Deno.test("the deploy examples set each option to the CLI's default unless they say why not", async () => {
  const program = await buildProgram();
  let compared = 0;
  for (const kind of KINDS) {
    const cmd = program.commands.find((c) => c.name() === kind)!;
    for (const file of [`${kind}.env`, `gateway-${kind}.service`]) {
      const text = await Deno.readTextFile(join(REPO, "deploy/systemd", file));
      for (const s of settings(text)) {
        const option = cmd.options.find((o) => o.envVar === s.name);
        // Not an option with a default (the tags to read, read as an argument or variable).
        if (option?.defaultValue === undefined) continue;
        const value = option.parseArg ? option.parseArg(s.value, option.defaultValue) : s.value;
        if (isDeepStrictEqual(value, option.defaultValue)) {
          compared++;
          continue;
        }
        assert.match(
          s.comment,
          /differs from the default/i,
          `${file}:${s.line}: ${s.name}=${s.value} is not gateway ${kind}'s default ` +
            `(${JSON.stringify(option.defaultValue)}) and no comment above it says why`,
        );
      }
    }
  }
  assert.ok(compared >= 15, `values compared with their defaults: ${compared}`);
});

Deno.test("the sink's error policy defaults to the connector's, THROW", () => {
  assert.equal(SINK_OPTIONS.errorPolicy.default, "THROW");
  // A connector file that does not set connect.mongo.error.policy gets the same default.
  const { settings } = sinkSettingsFromProperties([
    "connect.mongo.kcql=INSERT INTO sensortag SELECT * FROM sensortag-avro",
    "connect.mongo.db=connect-db",
    "connect.mongo.connection=mongodb://mongo:27017",
  ].join("\n"));
  assert.equal(settings.errorPolicy, "THROW");
});
