/**
 * Korean market structure: KRX sessions and holidays (KST), the tick-size grid and the
 * daily price limits.
 *
 * @module
 */
export * from "./sessions.ts";
export * from "./tick_size.ts";
