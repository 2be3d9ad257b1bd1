import { deepEqual, throws } from "node:assert/strict";
import { repoRootOf, servicesHome, statePaths } from "../../scripts/services/paths.ts";

Deno.test("services paths: GATEWAY_SERVICES_HOME wins over XDG_CACHE_HOME and HOME", () => {
  deepEqual(
    servicesHome({ GATEWAY_SERVICES_HOME: "/opt/svc", XDG_CACHE_HOME: "/x", HOME: "/home/u" }),
    "/opt/svc",
  );
});

Deno.test("services paths: XDG_CACHE_HOME is used when absolute, then HOME/.cache", () => {
  deepEqual(
    servicesHome({ XDG_CACHE_HOME: "/xdg", HOME: "/home/u" }),
    "/xdg/sensortag-gateway/services",
  );
  deepEqual(
    servicesHome({ XDG_CACHE_HOME: "relative/cache", HOME: "/home/u" }),
    "/home/u/.cache/sensortag-gateway/services",
  );
  deepEqual(servicesHome({ HOME: "/home/u" }), "/home/u/.cache/sensortag-gateway/services");
});

Deno.test("services paths: blank variables count as unset", () => {
  deepEqual(
    servicesHome({ GATEWAY_SERVICES_HOME: "  ", XDG_CACHE_HOME: "", HOME: "/h" }),
    "/h/.cache/sensortag-gateway/services",
  );
});

Deno.test("services paths: no usable variable is a clear error", () => {
  throws(() => servicesHome({}), /set GATEWAY_SERVICES_HOME, XDG_CACHE_HOME or HOME/);
});

Deno.test("services paths: runtime state lives in <repo>/.services with logs/ and pids/", () => {
  const state = statePaths("/repo");
  deepEqual(state.root, "/repo/.services");
  deepEqual(state.logFile("kafka"), "/repo/.services/logs/kafka.log");
  deepEqual(state.pidFile("mongo"), "/repo/.services/pids/mongo.pid");
  deepEqual(state.serviceDir("registry"), "/repo/.services/registry");
});

Deno.test("services paths: the repo root is two folders above scripts/services", () => {
  deepEqual(repoRootOf("file:///work/x/scripts/services/paths.ts"), "/work/x");
});
