import assert from "node:assert/strict";
import { MongoNetworkError, MongoServerError, MongoServerSelectionError } from "mongodb";
import { classifyMongoError } from "../src/sink/io/mongo_errors.ts";

Deno.test("the store going away is 'unavailable': the sink pauses and retries, never stops or dead-letters", () => {
  assert.equal(
    classifyMongoError(new MongoNetworkError("connection 2 to 127.0.0.1:27017 closed")),
    "unavailable",
  );
  assert.equal(
    classifyMongoError(new MongoServerSelectionError("Server selection timed out", {} as never)),
    "unavailable",
  );
  assert.equal(
    classifyMongoError(new Error("connection 1 to 127.0.0.1:27017 closed")),
    "unavailable",
  );
  assert.equal(
    classifyMongoError(new MongoServerError({ code: 91, errmsg: "shutdown in progress" })),
    "unavailable",
  );
});

Deno.test("a write the server refuses is 'rejected': the error policy decides", () => {
  assert.equal(
    classifyMongoError(new MongoServerError({ code: 11000, errmsg: "E11000 duplicate key" })),
    "rejected",
  );
  assert.equal(
    classifyMongoError(new MongoServerError({ code: 121, errmsg: "Document failed validation" })),
    "rejected",
  );
});
