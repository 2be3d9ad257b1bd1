/**
 * `bench:produce`'s second floor: the modules `gateway produce` loads (its command module and
 * everything it imports: kafkajs, avsc, prom-client, noble, the spool), imported and then idle
 * (until SIGTERM) — what the code costs before it does anything.
 */
import "../../src/cli/produce_command.ts";

setTimeout(() => {}, 2_000_000_000);
