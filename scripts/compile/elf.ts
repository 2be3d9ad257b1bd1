/** Just enough of ELF64 (little-endian) to find a section and the machine type. */

export interface ElfSection {
  name: string;
  offset: number;
  size: number;
}

export interface ElfInfo {
  /** `e_machine`: 62 for x86_64, 183 for aarch64. */
  machine: number;
  sections: ElfSection[];
}

export function readElf(bytes: Uint8Array): ElfInfo {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const isElf = bytes.length >= 64 && bytes[0] === 0x7f && bytes[1] === 0x45 &&
    bytes[2] === 0x4c && bytes[3] === 0x46;
  if (!isElf) throw new Error("not an ELF file");
  if (bytes[4] !== 2 || bytes[5] !== 1) {
    throw new Error("not a 64-bit little-endian ELF file");
  }
  const machine = view.getUint16(0x12, true);
  const shoff = Number(view.getBigUint64(0x28, true));
  const shentsize = view.getUint16(0x3a, true);
  const shnum = view.getUint16(0x3c, true);
  const shstrndx = view.getUint16(0x3e, true);
  if (shoff === 0 || shnum === 0) return { machine, sections: [] };
  if (shoff + shnum * shentsize > bytes.length || shstrndx >= shnum) {
    throw new Error("ELF section header table lies outside the file");
  }
  const header = (i: number) => {
    const at = shoff + i * shentsize;
    return {
      nameOffset: view.getUint32(at, true),
      offset: Number(view.getBigUint64(at + 24, true)),
      size: Number(view.getBigUint64(at + 32, true)),
    };
  };
  const strtab = header(shstrndx);
  const decoder = new TextDecoder();
  const nameAt = (offset: number) => {
    const start = strtab.offset + offset;
    let end = start;
    while (end < bytes.length && bytes[end] !== 0) end++;
    return decoder.decode(bytes.subarray(start, end));
  };
  const sections: ElfSection[] = [];
  for (let i = 0; i < shnum; i++) {
    const h = header(i);
    sections.push({ name: nameAt(h.nameOffset), offset: h.offset, size: h.size });
  }
  return { machine, sections };
}

/** The bytes of the named section, or undefined when the file has none of that name. */
export function sectionBytes(bytes: Uint8Array, info: ElfInfo, name: string) {
  const s = info.sections.find((x) => x.name === name);
  if (!s) return undefined;
  if (s.offset + s.size > bytes.length) {
    throw new Error(`ELF section ${name} lies outside the file`);
  }
  return bytes.subarray(s.offset, s.offset + s.size);
}
