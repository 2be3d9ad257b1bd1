/** Java `.properties` text (pure), escaped so `java.util.Properties.load` reads back the same. */

/** A value written to a properties file. */
export type PropertyValue = string | number | boolean;

function escape(text: string, isKey: boolean): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    switch (ch) {
      case "\\":
        out += "\\\\";
        break;
      case "\n":
        out += "\\n";
        break;
      case "\r":
        out += "\\r";
        break;
      case "\t":
        out += "\\t";
        break;
      case "\f":
        out += "\\f";
        break;
      case "=":
      case ":":
      case "#":
      case "!":
        out += isKey || i === 0 ? `\\${ch}` : ch;
        break;
      case " ":
        out += isKey || i === 0 ? "\\ " : " ";
        break;
      default: {
        const code = ch.charCodeAt(0);
        out += code < 0x20 || code > 0x7e ? `\\u${code.toString(16).padStart(4, "0")}` : ch;
      }
    }
  }
  return out;
}

/**
 * Formats `entries` as properties text, one `key=value` line each in the given order,
 * after an optional `#` comment header. Throws on an empty key or a non-finite number.
 */
export function formatProperties(
  entries: Readonly<Record<string, PropertyValue>>,
  header?: string,
): string {
  const lines: string[] = [];
  if (header) { for (const line of header.split("\n")) lines.push(`# ${line}`); }
  for (const [key, value] of Object.entries(entries)) {
    if (key.length === 0) throw new Error("properties: empty key");
    if (typeof value === "number" && !Number.isFinite(value)) {
      throw new Error(`properties: ${key} is not a finite number (${value})`);
    }
    lines.push(`${escape(key, true)}=${escape(String(value), false)}`);
  }
  return lines.join("\n") + "\n";
}
