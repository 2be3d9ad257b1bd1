import { deepEqual, throws } from "node:assert/strict";
import { formatProperties } from "../../scripts/services/properties.ts";

Deno.test("services properties: plain entries become key=value lines in order", () => {
  deepEqual(
    formatProperties({ "node.id": 1, "auto.create.topics.enable": true, "log.dirs": "/d" }),
    "node.id=1\nauto.create.topics.enable=true\nlog.dirs=/d\n",
  );
});

Deno.test("services properties: a header becomes # comment lines", () => {
  deepEqual(formatProperties({ a: "b" }, "one\ntwo"), "# one\n# two\na=b\n");
});

Deno.test("services properties: separators in keys and specials in values are escaped", () => {
  deepEqual(
    formatProperties({ "a b=c:d": " lead\\back\nline=ok:ok" }),
    "a\\ b\\=c\\:d=\\ lead\\\\back\\nline=ok:ok\n",
  );
  deepEqual(formatProperties({ k: "#not-a-comment" }), "k=\\#not-a-comment\n");
  deepEqual(formatProperties({ k: "é" }), "k=\\u00e9\n");
});

Deno.test("services properties: empty keys and non-finite numbers are refused", () => {
  throws(() => formatProperties({ "": "x" }), /empty key/);
  throws(() => formatProperties({ n: Number.NaN }), /n is not a finite number/);
});

Deno.test("services properties: java.util.Properties reads back exactly what was written", async () => {
  const entries = {
    "plain": "value",
    "with space": "  two leading spaces",
    "eq=key:colon": "a=b:c#d!e",
    "#hash": "\\path\\to\ttab",
    "unicode": "température ü",
    "multi": "line1\nline2\r\n",
  };
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/in.properties`, formatProperties(entries, "test file"));
    await Deno.writeTextFile(
      `${dir}/Dump.java`,
      `import java.io.*; import java.util.*;
public class Dump { public static void main(String[] a) throws Exception {
  Properties p = new Properties();
  try (InputStream in = new FileInputStream(a[0])) { p.load(in); }
  StringBuilder sb = new StringBuilder("{");
  for (String k : new TreeSet<>(p.stringPropertyNames())) {
    if (sb.length() > 1) sb.append(',');
    sb.append(q(k)).append(':').append(q(p.getProperty(k)));
  }
  System.out.print(sb.append('}'));
}
static String q(String s) { StringBuilder b = new StringBuilder("\\""); for (char c : s.toCharArray()) {
  if (c == '"' || c == '\\\\') b.append('\\\\').append(c); else if (c < 0x20 || c > 0x7e) b.append(String.format("\\\\u%04x", (int) c)); else b.append(c); }
  return b.append('"').toString(); } }
`,
    );
    const out = await new Deno.Command("java", {
      args: [`${dir}/Dump.java`, `${dir}/in.properties`],
    })
      .output();
    deepEqual(out.success, true, new TextDecoder().decode(out.stderr));
    deepEqual(JSON.parse(new TextDecoder().decode(out.stdout)), entries);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
