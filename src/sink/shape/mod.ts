/** Records as MongoDB documents and bulk-write operations, as a KCQL plan says. */
export { type ShapedDocument, shapeDocument } from "./document.ts";
export { MissingFieldError, PrimaryKeyError, ShapeError, TimeFieldError } from "./errors.ts";
export { resolveField, type ShapeInput } from "./resolve.ts";
export { isRecord } from "./values.ts";
export { buildWriteModels, type WriteModel, writeModelFor } from "./write_models.ts";
