/**
 * Why one record cannot become a document. Each is about the record, not the
 * sink: the sink dead-letters the record and goes on.
 */

/** A record that cannot be shaped as its statement asks. */
export class ShapeError extends Error {
  override name = "ShapeError";
}

/** A field the statement reads (selected, PK or time field) is not in the record. */
export class MissingFieldError extends ShapeError {
  override name = "MissingFieldError";

  constructor(
    /** The field as KCQL writes it, e.g. `loc.lat`, `_key.id`, `_header.trace`. */
    readonly field: string,
    reason: string,
  ) {
    super(`field '${field}' is missing: ${reason}`);
  }
}

/** A PK value MongoDB cannot take as (part of) an `_id`. */
export class PrimaryKeyError extends ShapeError {
  override name = "PrimaryKeyError";
  /** The dead-letter reason code (`gateway.error.reason`), as poison decode errors carry theirs. */
  readonly reason = "bad-pk";

  constructor(readonly field: string, reason: string) {
    super(`PK '${field}' cannot make the _id: ${reason}`);
  }
}

/** The time field of a time-series collection does not hold a date. */
export class TimeFieldError extends ShapeError {
  override name = "TimeFieldError";

  constructor(readonly field: string, reason: string) {
    super(`time-series field '${field}' ${reason}`);
  }
}
