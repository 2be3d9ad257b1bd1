/**
 * The spool's file before SQLite opens it, and while it runs. Only a missing file means a new
 * spool: a zero-length, truncated or foreign file is refused with its path, what is wrong with it
 * and how to set it aside (`gateway spool set-aside`, which renames it `<path>.broken-<time>`).
 * While running, the path is checked against the file that was opened (device and inode), so a
 * spool removed or replaced under the process is noticed.
 */
import { existsSync } from "node:fs";
import { osMessage } from "./spool_failure.ts";

/** The first 16 bytes of every SQLite database file. */
const SQLITE_MAGIC = "SQLite format 3\0";

/** The spool file cannot be used: refused at start, with what is wrong and how to set it aside. */
export class SpoolFileError extends Error {
  override name = "SpoolFileError";
  constructor(readonly path: string, readonly problem: string, readonly setAside = true) {
    super(
      `spool ${path} ${problem}` +
        (setAside
          ? `; set it aside (renamed ${path}.broken-<time>, kept for inspection) with ` +
            `\`gateway spool set-aside --spool ${path}\`, then start again for a new spool`
          : ""),
    );
  }
}

/** What is wrong with the file at `path` as a spool; undefined when missing or plausible. */
export function spoolFileProblem(path: string): string | undefined {
  let size: number;
  try {
    const st = Deno.statSync(path);
    if (!st.isFile) return "is not a regular file";
    size = st.size;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    return `cannot be read: ${osMessage(error)}`;
  }
  if (size === 0) return "is empty (0 bytes), not a spool";
  let head: Uint8Array;
  try {
    const f = Deno.openSync(path, { read: true });
    try {
      head = new Uint8Array(100);
      let got = 0;
      while (got < 100) {
        const n = f.readSync(head.subarray(got));
        if (n === null || n === 0) break;
        got += n;
      }
      head = head.subarray(0, got);
    } finally {
      f.close();
    }
  } catch (error) {
    return `cannot be read: ${osMessage(error)}`;
  }
  const magic = new TextDecoder("latin1").decode(head.subarray(0, 16));
  if (magic !== SQLITE_MAGIC) {
    return `is not a SQLite database (${size} bytes, starting ${printable(head.subarray(0, 16))})`;
  }
  if (head.length < 100) return `is truncated (${size} bytes, shorter than a SQLite header)`;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const rawPage = view.getUint16(16);
  const pageSize = rawPage === 1 ? 65536 : rawPage;
  const pages = view.getUint32(28);
  // The page count is valid when the change counter matches "version-valid-for".
  if (view.getUint32(24) === view.getUint32(92) && pages > 0 && pages * pageSize > size) {
    return `is truncated (${size} bytes; its header says ${pages} pages of ${pageSize} bytes, ` +
      `${pages * pageSize} bytes)`;
  }
  return undefined;
}

function printable(bytes: Uint8Array): string {
  return JSON.stringify(
    Array.from(bytes).map((b) => b >= 32 && b < 127 ? String.fromCharCode(b) : ".").join(""),
  );
}

/** Names of the side files SQLite keeps beside a database. */
export const SQLITE_SIDE_FILES = ["-wal", "-shm", "-journal"] as const;

/**
 * Renames the spool at `path` (and its side files) to `<path>.broken-<time>`; returns the new
 * name. The caller makes sure no process owns it.
 */
export function setAsideSpool(path: string, now = new Date()): string {
  if (!existsSync(path)) throw new SpoolFileError(path, "does not exist", false);
  const to = `${path}.broken-${now.toISOString().replace(/[:.]/g, "-")}`;
  Deno.renameSync(path, to);
  for (const side of SQLITE_SIDE_FILES) {
    if (existsSync(path + side)) Deno.renameSync(path + side, to + side);
  }
  return to;
}

/** The device and inode of the file at `path`; undefined when there is none. */
export interface FileIdentity {
  dev: number;
  ino: number;
}

export function fileIdentity(path: string): FileIdentity | undefined {
  try {
    const st = Deno.statSync(path);
    return { dev: st.dev, ino: st.ino ?? 0 };
  } catch {
    return undefined;
  }
}

/** Why the file at `path` is no longer `opened`; undefined while it still is. */
export function identityChange(path: string, opened: FileIdentity): string | undefined {
  const now = fileIdentity(path);
  if (!now) return "was removed while the gateway ran";
  if (now.dev !== opened.dev || now.ino !== opened.ino) {
    return "was replaced by another file while the gateway ran";
  }
  return undefined;
}
