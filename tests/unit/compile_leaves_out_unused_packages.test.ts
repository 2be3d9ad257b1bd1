/**
 * A build embeds only the npm packages the app's module graph reaches (the tests install others,
 * e.g. puppeteer-core for the browser test), by their folder in node_modules/.deno.
 */
import assert from "node:assert/strict";
import {
  reachablePackages,
  storeFolder,
  unusedFolders,
} from "../../scripts/compile/unused_packages.ts";

Deno.test("packages the graph reaches, through their dependencies, are kept; the rest left out", () => {
  const info = {
    modules: [{ npmPackage: "kafkajs@2.2.4" }, {}, { npmPackage: "@stoprocent/noble@2.8.0" }],
    npmPackages: {
      "kafkajs@2.2.4": {},
      "@stoprocent/noble@2.8.0": { dependencies: ["debug@4.4.3"] },
      "debug@4.4.3": { dependencies: ["ms@2.1.3"] },
      "ms@2.1.3": {},
      "puppeteer-core@25.16.0": { dependencies: ["ws@8.23.0"] },
      "ws@8.23.0": {},
    },
  };
  const reached = reachablePackages(info);
  assert.deepEqual(
    [...reached].sort(),
    ["@stoprocent/noble@2.8.0", "debug@4.4.3", "kafkajs@2.2.4", "ms@2.1.3"],
  );
  const installed = [
    "@stoprocent+noble@2.8.0",
    "debug@4.4.3",
    "kafkajs@2.2.4",
    "ms@2.1.3",
    "node_modules",
    "puppeteer-core@25.16.0",
    "ws@8.23.0",
  ];
  assert.deepEqual(unusedFolders(installed, reached), [
    "node_modules/.deno/puppeteer-core@25.16.0",
    "node_modules/.deno/ws@8.23.0",
  ]);
});

Deno.test("a package id names its store folder (scope with +, peer suffix dropped)", () => {
  assert.equal(storeFolder("@stoprocent/noble@2.8.0"), "@stoprocent+noble@2.8.0");
  assert.equal(
    storeFolder("chromium-bidi@157.0.8090-0_devtools-protocol@0.0.1704951"),
    "chromium-bidi@157.0.8090-0",
  );
  assert.equal(storeFolder("ms@2.1.3"), "ms@2.1.3");
});
