// Creates or replaces SCRAM credentials through the Admin API (KIP-554), the way
// `kafka-configs --alter --add-config 'SCRAM-SHA-512=[password=...]' --entity-type users` does;
// the broker install holds kafka-clients but not the tools jar. Run in source-file mode:
//   java -cp "<kafka libs>/*" ScramUsers.java <bootstrap> <user> <mechanism> [<user> <mechanism>...]
// Each user's password is read from the environment variable SCRAM_PASSWORD_<user>, so it never
// appears in a process listing.
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;

public class ScramUsers {
  public static void main(String[] args) throws Exception {
    if (args.length < 3 || args.length % 2 == 0) {
      System.err.println("usage: ScramUsers <bootstrap> <user> <mechanism> [<user> <mechanism>...]");
      System.exit(2);
    }
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
    List<UserScramCredentialAlteration> changes = new ArrayList<>();
    for (int i = 1; i < args.length; i += 2) {
      String user = args[i];
      String password = System.getenv("SCRAM_PASSWORD_" + user);
      if (password == null || password.isEmpty()) {
        System.err.println("no password for " + user + " in SCRAM_PASSWORD_" + user);
        System.exit(2);
      }
      ScramMechanism mechanism = ScramMechanism.fromMechanismName(args[i + 1]);
      if (mechanism == ScramMechanism.UNKNOWN) {
        System.err.println("unknown SCRAM mechanism " + args[i + 1]);
        System.exit(2);
      }
      changes.add(new UserScramCredentialUpsertion(user, new ScramCredentialInfo(mechanism, 4096), password));
    }
    try (Admin admin = Admin.create(props)) {
      // One request per change: the broker refuses two changes of one user in a request.
      for (UserScramCredentialAlteration change : changes) {
        admin.alterUserScramCredentials(List.of(change)).all().get(60, TimeUnit.SECONDS);
      }
    }
    System.out.println("SCRAM credentials set for " + changes.size() + " user/mechanism pairs");
  }
}
