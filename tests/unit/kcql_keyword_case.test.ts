import assert from "node:assert/strict";
import { parseKcql } from "../../src/sink/kcql/mod.ts";

const TEMPLATE =
  "UPSERT INTO readings SELECT *, loc.lat AS lat FROM sensortag IGNORE raw PK tag BATCH = 20 WITHFORMAT avro PROPERTIES('x'='y')";

function recase(text: string, f: (word: string, i: number) => string): string {
  let i = 0;
  return text.replace(
    /\b(UPSERT|INTO|SELECT|AS|FROM|IGNORE|PK|BATCH|WITHFORMAT|PROPERTIES)\b/g,
    (w) => f(w, i++),
  );
}

Deno.test("keywords are read in upper, lower and mixed case alike", () => {
  const reference = parseKcql(TEMPLATE).statements[0];
  assert.equal(reference.writeMode, "upsert");
  const variants = [
    recase(TEMPLATE, (w) => w.toLowerCase()),
    recase(TEMPLATE, (w) => w[0] + w.slice(1).toLowerCase()),
    recase(TEMPLATE, (w, i) => [...w].map((c, j) => ((i + j) % 2 ? c.toLowerCase() : c)).join("")),
  ];
  for (const text of variants) {
    assert.notEqual(text, TEMPLATE);
    const plan = parseKcql(text).statements[0];
    // Warnings name the keyword in upper case whatever it was written as; only columns could differ.
    assert.deepEqual(plan, reference, text);
  }
});

Deno.test("special paths are read in any letter case, but names keep the case they are written in", () => {
  const plan = parseKcql("insert into r select _KEY.Id, _Header.Trace, _.TimeStamp, Loc.Lat from T")
    .statements[0];
  assert.deepEqual(plan.fields, [
    { kind: "key", path: ["Id"], alias: "Id" },
    { kind: "header", path: ["Trace"], alias: "Trace" },
    { kind: "meta", path: ["timestamp"], alias: "timestamp" },
    { kind: "value", path: ["Loc", "Lat"], alias: "Lat" },
  ]);
  assert.equal(plan.source, "T");
});

Deno.test("write modes are read in any letter case", () => {
  assert.equal(parseKcql("iNsErT iNtO r sElEcT * fRoM t").statements[0].writeMode, "insert");
  assert.equal(parseKcql("uPdAtE iNtO r sElEcT a fRoM t pK a").statements[0].writeMode, "update");
});
