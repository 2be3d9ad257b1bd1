"""Reference rows for `deno task bench:produce`, run by it in a project-local venv.

Modes (one JSON object with the measurement is printed on stdout):

  original <brokers> <registry-ccompat-url> <topic> <schema.avsc> <records.jsonl> <n>
      The original script's loop: confluent-kafka SerializingProducer with an
      AvroSerializer against the registry's Confluent API, one produce() and one
      flush() per record (each reading waits for its acknowledgement).

  bare <brokers> <topic> <frames.bin> <n>
      A bare librdkafka producer (confluent-kafka Producer) sending the same
      framed bytes (Confluent wire format, keys = device addresses), acks=all,
      idempotent, batched as librdkafka does by itself; one flush at the end.

frames.bin: repeated [u16 key length][key][u32 value length][value], big-endian.
"""

import json
import struct
import sys
import time


def flush(producer):
    """Waits for every acknowledgement, or fails after a minute (never hangs)."""
    left = producer.flush(60)
    if left:
        raise SystemExit(f"{left} records not acknowledged within 60 s")


def original(brokers, registry, topic, schema_path, records_path, n):
    from confluent_kafka import SerializingProducer
    from confluent_kafka.schema_registry import SchemaRegistryClient
    from confluent_kafka.schema_registry.avro import AvroSerializer
    from confluent_kafka.serialization import StringSerializer

    with open(schema_path) as f:
        schema = f.read()
    with open(records_path) as f:
        records = [json.loads(line) for line in f if line.strip()]
    registry_client = SchemaRegistryClient({"url": registry})
    producer = SerializingProducer({
        "bootstrap.servers": brokers,
        "acks": "all",
        "message.timeout.ms": 60_000,
        "key.serializer": StringSerializer("utf_8"),
        "value.serializer": AvroSerializer(registry_client, schema),
    })
    acked = 0

    def on_delivery(err, _msg):
        nonlocal acked
        if err is None:
            acked += 1

    # Warm-up: registers the schema and connects, outside the timed loop.
    producer.produce(topic, key=records[0]["bid"], value=records[0], on_delivery=on_delivery)
    flush(producer)
    acked = 0
    t0 = time.perf_counter()
    for i in range(n):
        r = records[i % len(records)]
        producer.produce(topic, key=r["bid"], value=r, on_delivery=on_delivery)
        flush(producer)
    secs = time.perf_counter() - t0
    return {"records": n, "acknowledged": acked, "seconds": secs}


def bare(brokers, topic, frames_path, n):
    from confluent_kafka import Producer

    with open(frames_path, "rb") as f:
        data = f.read()
    frames = []
    at = 0
    while at < len(data):
        (klen,) = struct.unpack_from(">H", data, at)
        key = data[at + 2:at + 2 + klen]
        at += 2 + klen
        (vlen,) = struct.unpack_from(">I", data, at)
        frames.append((key, data[at + 4:at + 4 + vlen]))
        at += 4 + vlen
    producer = Producer({
        "bootstrap.servers": brokers,
        "acks": "all",
        "enable.idempotence": True,
        "message.timeout.ms": 60_000,
        "queue.buffering.max.messages": 1_000_000,
    })
    acked = 0

    def on_delivery(err, _msg):
        nonlocal acked
        if err is None:
            acked += 1

    producer.produce(topic, key=frames[0][0], value=frames[0][1], on_delivery=on_delivery)
    flush(producer)
    acked = 0
    t0 = time.perf_counter()
    for i in range(n):
        key, value = frames[i % len(frames)]
        while True:
            try:
                producer.produce(topic, key=key, value=value, on_delivery=on_delivery)
                break
            except BufferError:
                producer.poll(0.01)
        producer.poll(0)
    flush(producer)
    secs = time.perf_counter() - t0
    return {"records": n, "acknowledged": acked, "seconds": secs}


def main():
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "original":
        out = original(args[0], args[1], args[2], args[3], args[4], int(args[5]))
    elif mode == "bare":
        out = bare(args[0], args[1], args[2], int(args[3]))
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
