import assert from "node:assert/strict";
import { MongoNetworkError, MongoServerError, MongoServerSelectionError } from "mongodb";
import { classifyMongoError } from "../../src/sink/io/mongo_errors.ts";

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

Deno.test("refused credentials are 'auth', at the handshake or on FerretDB's first write; never a rejection", async () => {
  const { MongoBulkWriteError } = await import("mongodb");
  assert.equal(
    classifyMongoError(new MongoServerError({ code: 18, errmsg: "Authentication failed." })),
    "auth",
  );
  assert.equal(
    classifyMongoError(
      new MongoBulkWriteError(
        {
          message:
            '[msg_insert.go:168 handler.(*Handler).MsgInsert] failed to connect to `user=gw database=ferretdb`:\n\t127.0.0.1:5433 (127.0.0.1): failed SASL auth: FATAL: password authentication failed for user "gw" (SQLSTATE 28P01)',
          code: 1,
        } as never,
        {} as never,
      ),
    ),
    "auth",
  );
});

Deno.test("an untrusted certificate is 'tls', not the store being away", () => {
  const e = new MongoServerSelectionError(
    "self-signed certificate in certificate chain",
    {} as never,
  );
  assert.equal(classifyMongoError(e), "tls");
});

Deno.test("an error of no known kind is 'unknown' (the error policy decides), not an outage", () => {
  assert.equal(classifyMongoError(new TypeError("Cannot read properties of undefined")), "unknown");
  assert.equal(classifyMongoError("a string"), "unknown");
});

Deno.test("a connection lost in the middle of a bulk write (a MongoBulkWriteError without a server code) is 'unavailable'", async () => {
  const { MongoBulkWriteError } = await import("mongodb");
  const e = new MongoBulkWriteError(
    {
      message: "connect ECONNREFUSED 127.0.0.1:27017",
    } as never,
    {} as never,
  );
  assert.equal(classifyMongoError(e), "unavailable");
  // FerretDB stopped while the write was on the wire: only the code says so.
  const ended = new MongoBulkWriteError(
    { message: "This socket has been ended by the other party", code: "EPIPE" } as never,
    {} as never,
  );
  assert.equal(classifyMongoError(ended), "unavailable");
  const reset = Object.assign(new Error("read failed"), { code: "ECONNRESET" });
  assert.equal(classifyMongoError(new Error("write failed", { cause: reset })), "unavailable");
  const rejected = new MongoBulkWriteError(
    {
      message: "E11000",
      code: 11000,
      writeErrors: [{ index: 0, code: 11000, errmsg: "E11000" }],
    } as never,
    {} as never,
  );
  assert.equal(classifyMongoError(rejected), "rejected");
});
