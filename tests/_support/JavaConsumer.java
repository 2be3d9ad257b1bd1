// The Java Kafka client as a consumer for the tests, run as a single source file against the
// broker's own libs: `JavaConsumer <brokers> <timeoutSeconds> <topic>=<count>...` reads each
// topic from the beginning until it has <count> records (or the timeout) and prints one JSON
// line per topic: {"topic":...,"count":...,"values":[hex...]}.
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

public class JavaConsumer {
  public static void main(String[] args) {
    long timeoutMs = Long.parseLong(args[1]) * 1000;
    for (int t = 2; t < args.length; t++) {
      String topic = args[t].substring(0, args[t].lastIndexOf('='));
      int want = Integer.parseInt(args[t].substring(args[t].lastIndexOf('=') + 1));
      Properties p = new Properties();
      p.put("bootstrap.servers", args[0]);
      p.put("group.id", "java-reader-" + UUID.randomUUID());
      p.put("auto.offset.reset", "earliest");
      p.put("enable.auto.commit", "false");
      p.put("key.deserializer", ByteArrayDeserializer.class.getName());
      p.put("value.deserializer", ByteArrayDeserializer.class.getName());
      List<String> values = new ArrayList<>();
      try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
        consumer.subscribe(List.of(topic));
        long until = System.currentTimeMillis() + timeoutMs;
        while (values.size() < want && System.currentTimeMillis() < until) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
            values.add(HexFormat.of().formatHex(r.value()));
          }
        }
      }
      System.out.println("{\"topic\":\"" + topic + "\",\"count\":" + values.size()
          + ",\"values\":[\"" + String.join("\",\"", values) + "\"]}");
    }
  }
}
