/**
 * Server-sent event framing. Frames are encoded once and the same bytes go to every
 * subscriber (STACK.md §3: per-client `streamSSE` does not scale).
 *
 * @module
 */

const enc = new TextEncoder();

/** Encodes one event. `data` is JSON-stringified; it contains no raw newlines. */
export function encodeEvent(event: string, data: unknown, id?: number | string): Uint8Array {
  let s = "";
  if (id !== undefined) s += `id: ${id}\n`;
  s += `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
  return enc.encode(s);
}

/** A comment line (heartbeat); clients ignore it. */
export function encodeComment(text: string): Uint8Array {
  return enc.encode(`: ${text.replace(/\n/g, " ")}\n\n`);
}

/** The `retry:` field: how long EventSource waits before reconnecting (ms). */
export function encodeRetry(ms: number): Uint8Array {
  return enc.encode(`retry: ${ms}\n\n`);
}
