/**
 * KRX connector: wire types and the {@linkcode KrxApi}/{@linkcode DataKrxApi} interfaces
 * ({@link ./types.ts}), typed errors ({@link ./errors.ts}), pure parsers ({@link ./parse.ts}),
 * the OpenAPI client ({@link ./client.ts}), the data.krx.co.kr client with its login session
 * ({@link ./datakrx.ts}) and the in-memory KRX used by the sample mode and tests
 * ({@link ./fixture_fetch.ts}).
 *
 * @module
 */
export * from "./types.ts";
export * from "./errors.ts";
export * from "./parse.ts";
export * from "./client.ts";
export * from "./datakrx.ts";
export * from "./fixture_fetch.ts";
