/**
 * 38커뮤니케이션 (www.38.co.kr) IPO pages as an optional second source: typed rows
 * ({@link ./types.ts}), EUC-KR page parsers ({@link ./parse.ts}), a polite cached client with an
 * injected fetch and an `enabled` switch ({@link ./client.ts}), and the cross-check against the
 * DART filing facts ({@link ./crosscheck.ts}). Not wired into config, jobs or routes yet.
 *
 * @module
 */
export * from "./types.ts";
export * from "./parse.ts";
export * from "./client.ts";
export * from "./crosscheck.ts";
