/**
 * `deno task bench:decode`: prints tables of
 * - the Kafka codecs on one record batch of Avro sensor readings: size,
 *   compress and decompress throughput (the pure-JS snappy and lz4 side by
 *   side with node:zlib's gzip and zstd);
 * - the sink's bounded Avro decoding: avsc alone, the bounds check alone,
 *   and both (what the sink does), per record, measured in one run.
 * Ratios are what to read: absolute numbers depend on the machine's load.
 */
import avsc from "avsc";
import { Buffer } from "node:buffer";
import { gzipCodec } from "../src/kafka/codecs/gzip.ts";
import { lz4Codec } from "../src/kafka/codecs/lz4.ts";
import { snappyCodec } from "../src/kafka/codecs/snappy.ts";
import { zstdCodec } from "../src/kafka/codecs/zstd.ts";
import type { KafkaCodec } from "../src/kafka/codecs/limits.ts";
import { checkAvroBounds } from "../src/sink/values/avro_bounds.ts";
import { parseWriterSchema } from "../src/sink/values/avro_schema.ts";
import { printTable, type Row } from "./bench/table.ts";

const RECORDS = 2000;
const text = await Deno.readTextFile(new URL("../schemas/sensortag.avsc", import.meta.url));
const plain = avsc.Type.forSchema(JSON.parse(text), { wrapUnions: true });
const ours = parseWriterSchema(text);
const bodies: Uint8Array[] = Array.from({ length: RECORDS }, () => {
  const b: Buffer = plain.toBuffer(plain.random());
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
});
const batch = Buffer.concat(bodies);

async function timeIt(rounds: number, f: () => Promise<unknown> | unknown): Promise<number> {
  for (let i = 0; i < Math.max(3, rounds / 10); i++) await f();
  const started = performance.now();
  for (let i = 0; i < rounds; i++) await f();
  return (performance.now() - started) / rounds;
}

const codecs: [string, KafkaCodec][] = [
  ["gzip (node:zlib)", gzipCodec],
  ["zstd (node:zlib)", zstdCodec],
  ["snappy (snappyjs, xerial)", snappyCodec],
  ["lz4 (lz4js, frame)", lz4Codec],
];
const codecRows: Row[] = [];
for (const [name, codec] of codecs) {
  const packed = await codec.compress({ buffer: batch });
  const c = await timeIt(50, () => codec.compress({ buffer: batch }));
  const d = await timeIt(50, () => codec.decompress(packed));
  const mb = batch.length / 1e6;
  codecRows.push({
    codec: name,
    "batch bytes": batch.length,
    "compressed bytes": packed.length,
    "ratio": Number((batch.length / packed.length).toFixed(2)),
    "compress MB/s": Number((mb / (c / 1000)).toFixed(1)),
    "decompress MB/s": Number((mb / (d / 1000)).toFixed(1)),
  });
}
printTable(
  `Kafka codecs on one batch of ${RECORDS} Avro sensor readings (schemas/sensortag.avsc)`,
  codecRows,
);

const decode = (b: Uint8Array) => ours.decode(Buffer.from(b.buffer, b.byteOffset, b.byteLength), 0);
const perRecord = async (f: (b: Uint8Array) => unknown) =>
  (await timeIt(20, () => {
    for (const b of bodies) f(b);
  })) * 1000 / RECORDS;
// Interleaved, best of five each: the machine's load moves every number.
const best = [Infinity, Infinity, Infinity];
for (let round = 0; round < 5; round++) {
  best[0] = Math.min(best[0], await perRecord(decode));
  best[1] = Math.min(best[1], await perRecord((b) => checkAvroBounds(ours, b)));
  best[2] = Math.min(
    best[2],
    await perRecord((b) => {
      checkAvroBounds(ours, b);
      decode(b);
    }),
  );
}
const [avscOnly, boundsOnly, both] = best;
const hostile = Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x10, 0);
const arrayType = parseWriterSchema(
  '{"type":"record","name":"A","fields":[{"name":"xs","type":{"type":"array","items":"int"}}]}',
);
const rejected = (await timeIt(20_000, () => {
  try {
    checkAvroBounds(arrayType, hostile);
  } catch { /* the expected bad-avro */ }
})) * 1000;
const mean = batch.length / RECORDS;
printTable(
  `Avro decoding per record (${mean.toFixed(0)} bytes on average), best of 5 interleaved runs`,
  [
    { step: "avsc decode alone (unbounded)", "µs/record": avscOnly, "vs avsc": 1 },
    {
      step: "bounds check alone",
      "µs/record": boundsOnly,
      "vs avsc": Number((boundsOnly / avscOnly).toFixed(2)),
    },
    {
      step: "bounds check + avsc (the sink)",
      "µs/record": both,
      "vs avsc": Number((both / avscOnly).toFixed(2)),
    },
    {
      step: "2^31 block count rejected",
      "µs/record": rejected,
      "vs avsc": Number((rejected / avscOnly).toFixed(2)),
    },
  ],
);
