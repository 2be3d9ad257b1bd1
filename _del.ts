import { createTopic } from "./tests/_support/sink.ts";
import { kafka } from "./tests/_support/kafka.ts";
const t = Deno.args[0];
if (Deno.args[1] === "create") await createTopic(t, 2);
else { const a = kafka().admin(); await a.connect(); await a.deleteTopics({ topics: [t] }); await a.disconnect(); }
