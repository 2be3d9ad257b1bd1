// The Java Kafka client as a producer for the tests, run as a single source file against the
// broker's own libs: `JavaProducer <brokers> <count> <codec>=<topic>...` writes, to each topic,
// <count> JSON records {"bid":"J<i>","n":i,"codec":...} keyed k<i>, compressed with <codec>.
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

public class JavaProducer {
  public static void main(String[] args) throws Exception {
    int count = Integer.parseInt(args[1]);
    String pad = "sensortag ".repeat(30);
    for (int t = 2; t < args.length; t++) {
      String codec = args[t].substring(0, args[t].indexOf('='));
      String topic = args[t].substring(args[t].indexOf('=') + 1);
      Properties p = new Properties();
      p.put("bootstrap.servers", args[0]);
      p.put("compression.type", codec);
      p.put("linger.ms", "200");
      p.put("batch.size", "262144");
      p.put("acks", "all");
      p.put("key.serializer", StringSerializer.class.getName());
      p.put("value.serializer", StringSerializer.class.getName());
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
        List<Future<?>> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
          String value = String.format(
              "{\"bid\":\"J%d\",\"n\":%d,\"codec\":\"%s\",\"pad\":\"%s\"}", i, i, codec, pad);
          sent.add(producer.send(new ProducerRecord<>(topic, "k" + i, value)));
        }
        producer.flush();
        for (Future<?> f : sent) f.get(); // every record acknowledged, or an exception
      }
    }
    System.out.println("{\"produced\":" + count * (args.length - 2) + "}");
  }
}
