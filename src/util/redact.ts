/**
 * The one place secrets are taken out of text before it is printed: every log line
 * (src/util/log.ts), the CLI's last error line (src/cli/program.ts) and kafkajs's own log lines
 * (routed through the logger) pass through {@linkcode redact}.
 *
 * Two layers: secrets the configuration named (passwords, tokens, user info — registered with
 * {@linkcode registerSecret} by whatever reads them) are replaced wherever they appear; and shapes
 * that always carry one are masked even when nobody registered it: the password of a URL's
 * `user:password@`, `password="..."` in a JAAS line, `password=`/`token=` settings, and HTTP
 * `Authorization` values.
 */

const MASK = "***";
const secrets = new Set<string>();

/**
 * Marks `value` as a secret: from now on it is masked in everything {@linkcode redact} sees.
 * Values shorter than 4 characters are masked only by the shapes (masking every "a" would
 * garble the log). Returns the value, so it can wrap an assignment.
 */
export function registerSecret<T extends string | undefined>(value: T): T {
  if (value !== undefined && value.length >= 4) {
    secrets.add(value);
    // A user:password pair is also masked by its password alone.
    const colon = value.indexOf(":");
    if (colon > 0 && value.length - colon > 4) secrets.add(value.slice(colon + 1));
  }
  return value;
}

const SHAPES: [RegExp, string][] = [
  // scheme://user:password@host → scheme://user:***@host
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]+@/gi, `$1${MASK}@`],
  // JAAS: password="..." (and any quoted option naming a secret)
  [/\b((?:password|secret|token)[\w.]*\s*=\s*)"(?:[^"\\]|\\.)*"/gi, `$1"${MASK}"`],
  [/\b((?:password|secret|token)[\w.]*\s*=\s*)'(?:[^'\\]|\\.)*'/gi, `$1'${MASK}'`],
  // key=value / key: value settings that name a secret (password, sasl.jaas.config, token ...)
  [
    /\b((?:[\w.-]*password|[\w.-]*secret|[\w.-]*token|sasl\.jaas\.config|[\w.-]*user\.info)(?:\s*=\s*|:(?=\S)))(?!["']\*\*\*["'])[^\s,;&"]+/gi,
    `$1${MASK}`,
  ],
  // HTTP Authorization values
  [/\b(Authorization\s*:?\s*(?:Basic|Bearer)\s+)[A-Za-z0-9+/=._~-]+/gi, `$1${MASK}`],
];

/** `text` with every known secret and secret-shaped value masked. */
export function redact(text: string): string {
  let out = text;
  for (const s of secrets) {
    if (out.includes(s)) out = out.split(s).join(MASK);
  }
  for (const [pattern, replacement] of SHAPES) out = out.replace(pattern, replacement);
  return out;
}

/** A URL for display: its user info's password masked (`https://user:***@host/`). */
export function redactUrl(url: string): string {
  return redact(url);
}
