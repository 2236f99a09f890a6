/**
 * KIND connector: record types ({@link ./types.ts}), typed errors ({@link ./errors.ts}), pure
 * parsers ({@link ./parse.ts}), the client ({@link ./client.ts}) and the in-memory KIND used by
 * the sample mode and tests ({@link ./fixture_fetch.ts}).
 *
 * @module
 */
export * from "./types.ts";
export * from "./errors.ts";
export * from "./parse.ts";
export * from "./client.ts";
export * from "./fixture_fetch.ts";
