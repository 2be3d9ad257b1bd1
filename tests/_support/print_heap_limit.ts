/** A child for tests: prints this process's V8 heap limit in bytes (runtime flags included). */
import v8 from "node:v8";

console.log(v8.getHeapStatistics().heap_size_limit);
