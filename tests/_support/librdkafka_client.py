"""librdkafka (confluent-kafka) as a second, independent Kafka client for the tests.

  produce <brokers> <topic> <codec> <count>   JSON values, keys k<i>, compressed with <codec>
  consume <brokers> <topic> <count> <timeout> every record from the beginning, one JSON line each
"""
import json
import sys
import time
import uuid

from confluent_kafka import Consumer, KafkaException, Producer


def produce(brokers, topic, codec, count):
    errors = []
    p = Producer({
        "bootstrap.servers": brokers,
        "compression.type": codec,
        "linger.ms": 200,
        "batch.num.messages": 10000,
        "enable.idempotence": True,
    })
    for i in range(count):
        value = {"bid": f"P{i}", "n": i, "codec": codec, "pad": "sensortag " * 30}
        p.produce(topic, key=f"k{i}", value=json.dumps(value),
                  on_delivery=lambda err, _m: err and errors.append(str(err)))
        p.poll(0)
    left = p.flush(30)
    if left or errors:
        raise SystemExit(f"produce failed: {left} undelivered, errors {errors[:3]}")
    print(json.dumps({"produced": count}))


def consume(brokers, topic, count, timeout):
    c = Consumer({
        "bootstrap.servers": brokers,
        "group.id": f"librdkafka-reader-{uuid.uuid4()}",
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
    })
    c.subscribe([topic])
    got = 0
    until = time.time() + timeout
    try:
        while got < count and time.time() < until:
            m = c.poll(0.5)
            if m is None:
                continue
            if m.error():
                raise KafkaException(m.error())
            print(json.dumps({
                "partition": m.partition(),
                "offset": m.offset(),
                "key": m.key().hex() if m.key() is not None else None,
                "value": m.value().hex() if m.value() is not None else None,
            }), flush=True)
            got += 1
    finally:
        c.close()


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "produce":
        produce(args[0], args[1], args[2], int(args[3]))
    elif cmd == "consume":
        consume(args[0], args[1], int(args[2]), float(args[3]))
    else:
        raise SystemExit(f"unknown command {cmd}")
