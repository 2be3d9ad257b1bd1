import assert from "node:assert/strict";
import {
  decodeLatin1,
  looksLikeUtf8,
  parseJavaProperties,
  PropertiesSyntaxError,
} from "../../src/config/java_properties.ts";

const values = (text: string) => Object.fromEntries(parseJavaProperties(text).values);

Deno.test("comments, separators and surrounding whitespace are read as Java reads them", () => {
  assert.deepEqual(
    values(
      [
        "# a comment",
        "! another comment",
        "   ",
        "a=1",
        "b = 2",
        "c:3",
        "d : 4",
        "e 5",
        "f\t\t6",
        "  g=leading whitespace of the line is dropped",
        "h=trailing spaces are kept  ",
        "i=",
        "j",
        "k==v",
        "l=a=b:c",
      ].join("\n"),
    ),
    {
      a: "1",
      b: "2",
      c: "3",
      d: "4",
      e: "5",
      f: "6",
      g: "leading whitespace of the line is dropped",
      h: "trailing spaces are kept  ",
      i: "",
      j: "",
      k: "=v",
      l: "a=b:c",
    },
  );
});

Deno.test("a backslash at the end of a line continues the value; the next line's indentation is dropped", () => {
  assert.deepEqual(
    values(
      "kcql=INSERT INTO sensortag \\\n    SELECT * \\\n\t FROM sensortag-avro\nnext=1\n" +
        "even=ends with a backslash\\\\\nafter=2\n# comment \\\nnot.continued=3",
    ),
    {
      kcql: "INSERT INTO sensortag SELECT * FROM sensortag-avro",
      next: "1",
      even: "ends with a backslash\\",
      after: "2",
      "not.continued": "3",
    },
  );
});

Deno.test("escapes in keys and values, including unicode escapes", () => {
  assert.deepEqual(
    values(
      "key\\ with\\ spaces = v\n" +
        "colon\\:key=x\\:y\\=z\n" +
        "tab=a\\tb\n" +
        "nl=a\\nb\n" +
        "u=caf\\u00e9 \\u20AC\n" +
        "other=\\q\\#\n" +
        "\\#not-a-comment=1",
    ),
    {
      "key with spaces": "v",
      "colon:key": "x:y=z",
      tab: "a\tb",
      nl: "a\nb",
      u: "café €",
      other: "q#",
      "#not-a-comment": "1",
    },
  );
});

Deno.test("CRLF and CR line endings are lines too", () => {
  assert.deepEqual(values("a=1\r\nb=2\rc=3"), { a: "1", b: "2", c: "3" });
});

Deno.test("the last of a repeated key wins, and every entry is listed with its line", () => {
  const p = parseJavaProperties("a=1\n\n# c\na=2\nb=x\\\n y\nc=3");
  assert.equal(p.values.get("a"), "2");
  assert.deepEqual(p.entries, [
    { key: "a", value: "1", line: 1 },
    { key: "a", value: "2", line: 4 },
    { key: "b", value: "xy", line: 5 },
    { key: "c", value: "3", line: 7 },
  ]);
});

Deno.test("a malformed \\u escape is an error with its line, as Java refuses the file", () => {
  assert.throws(() => parseJavaProperties("a=1\nb=bad \\u12G4\n"), (e: unknown) => {
    assert.ok(e instanceof PropertiesSyntaxError);
    assert.equal(e.line, 2);
    assert.match(e.message, /line 2: malformed \\uxxxx escape/);
    return true;
  });
  // An escaped backslash before u is not an escape.
  assert.equal(parseJavaProperties("a=\\\\u12").values.get("a"), "\\u12");
});

Deno.test("files are bytes in ISO-8859-1, as Properties.load(InputStream) reads them", () => {
  const utf8 = new TextEncoder().encode("p=é");
  assert.equal(decodeLatin1(utf8), "p=Ã©");
  assert.equal(decodeLatin1(Uint8Array.of(0x70, 0x3d, 0xe9, 0x80)), "p=é\u0080");
  assert.equal(looksLikeUtf8(utf8), true);
  assert.equal(
    looksLikeUtf8(Uint8Array.of(0x70, 0x3d, 0xe9)),
    false,
    "Latin-1 é alone is not UTF-8",
  );
  assert.equal(looksLikeUtf8(new TextEncoder().encode("ascii=only")), false);
});
