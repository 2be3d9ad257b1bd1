/**
 * Reads what `deno compile` embedded in a binary: the metadata (entry point,
 * permissions) and the virtual file system (every embedded file, byte for byte).
 *
 * Layout (Deno 2.x): the payload sits in the ELF section `.note.sui`; it starts
 * with the magic `d3n0l4nd`, then u64-length-prefixed metadata JSON, npm
 * snapshot, remote modules, VFS JSON tree, and the files' data the tree points
 * into with `[offset, length]` pairs. The VFS is located by its own framing
 * (JSON tree followed by a data block that fits the payload), so a change in
 * the sections before it does not break the reader.
 */
import { Buffer } from "node:buffer";
import { readElf, sectionBytes } from "./elf.ts";

const MAGIC = new TextEncoder().encode("d3n0l4nd");
const SECTION = ".note.sui";

export interface EmbeddedFile {
  /** Path relative to the compiled project's root, `/`-separated. */
  path: string;
  offset: number;
  length: number;
}

export interface StandaloneImage {
  /** `e_machine` of the binary. */
  machine: number;
  metadata: Record<string, unknown>;
  files: Map<string, EmbeddedFile>;
  /** Symlinks in the VFS: path → target path (both relative to the root). */
  symlinks: Map<string, string>;
  /** The bytes of an embedded file, or undefined when it is not embedded. */
  read(path: string): Uint8Array | undefined;
}

export class NotStandaloneError extends Error {
  override name = "NotStandaloneError";
}

export function readStandalone(binary: Uint8Array): StandaloneImage {
  const elf = readElf(binary);
  const section = sectionBytes(binary, elf, SECTION);
  if (!section) {
    throw new NotStandaloneError(
      `no ${SECTION} section: not a binary made by deno compile`,
    );
  }
  const start = findPayload(section);
  const view = new DataView(section.buffer, section.byteOffset, section.byteLength);
  let at = start + MAGIC.length;
  const block = (what: string) => {
    if (at + 8 > section.length) throw new Error(`payload ends before the ${what}`);
    const len = Number(view.getBigUint64(at, true));
    if (at + 8 + len > section.length) throw new Error(`the ${what} runs past the payload`);
    const bytes = section.subarray(at + 8, at + 8 + len);
    at += 8 + len;
    return bytes;
  };
  const metadata = JSON.parse(new TextDecoder().decode(block("metadata"))) as Record<
    string,
    unknown
  >;
  block("npm snapshot");
  const vfs = findVfs(section, view, at);
  const files = new Map<string, EmbeddedFile>();
  const symlinks = new Map<string, string>();
  walk(vfs.tree, "", files, symlinks);
  for (const f of files.values()) {
    if (f.offset + f.length > vfs.data.length) {
      throw new Error(`embedded file ${f.path} points past the VFS data`);
    }
  }
  return {
    machine: elf.machine,
    metadata,
    files,
    symlinks,
    read(path) {
      const f = files.get(path);
      return f ? vfs.data.subarray(f.offset, f.offset + f.length) : undefined;
    },
  };
}

function findPayload(section: Uint8Array): number {
  const view = new DataView(section.buffer, section.byteOffset, section.byteLength);
  for (let i = indexOf(section, MAGIC, 0); i >= 0; i = indexOf(section, MAGIC, i + 1)) {
    const lenAt = i + MAGIC.length;
    if (lenAt + 9 > section.length) break;
    const len = Number(view.getBigUint64(lenAt, true));
    if (section[lenAt + 8] === 0x7b /* { */ && lenAt + 8 + len <= section.length) return i;
  }
  throw new NotStandaloneError(`no Deno payload (magic d3n0l4nd + metadata) in ${SECTION}`);
}

interface Vfs {
  tree: unknown[];
  data: Uint8Array;
}

/** The first `<u64 len>[JSON tree]<u64 len><data>` at or after `from` that parses and fits. */
function findVfs(section: Uint8Array, view: DataView, from: number): Vfs {
  const decoder = new TextDecoder();
  for (let q = from; q + 9 <= section.length; q++) {
    if (section[q + 8] !== 0x5b /* [ */) continue;
    const len = Number(view.getBigUint64(q, true));
    const dataAt = q + 8 + len;
    if (len < 2 || dataAt + 8 > section.length || section[dataAt - 1] !== 0x5d /* ] */) continue;
    const dataLen = Number(view.getBigUint64(dataAt, true));
    if (dataAt + 8 + dataLen > section.length) continue;
    let tree: unknown;
    try {
      tree = JSON.parse(decoder.decode(section.subarray(q + 8, dataAt)));
    } catch {
      continue;
    }
    if (!Array.isArray(tree)) continue;
    return { tree, data: section.subarray(dataAt + 8, dataAt + 8 + dataLen) };
  }
  throw new Error("no virtual file system found in the Deno payload");
}

function walk(
  entries: unknown[],
  prefix: string,
  files: Map<string, EmbeddedFile>,
  symlinks: Map<string, string>,
): void {
  for (const entry of entries) {
    const e = entry as Record<string, Record<string, unknown>>;
    if (e.Dir) {
      walk(e.Dir.e as unknown[], `${prefix}${e.Dir.n}/`, files, symlinks);
    } else if (e.File) {
      const path = `${prefix}${e.File.n}`;
      const o = e.File.o;
      if (!Array.isArray(o) || o.length !== 2) {
        throw new Error(`embedded file ${path} has no [offset, length]`);
      }
      files.set(path, { path, offset: Number(o[0]), length: Number(o[1]) });
    } else if (e.Symlink) {
      symlinks.set(`${prefix}${e.Symlink.n}`, (e.Symlink.p as string[]).join("/"));
    }
  }
}

function indexOf(hay: Uint8Array, needle: Uint8Array, from: number): number {
  return Buffer.from(hay.buffer, hay.byteOffset, hay.byteLength).indexOf(needle, from);
}
