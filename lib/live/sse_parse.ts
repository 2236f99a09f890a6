/**
 * An incremental SSE parser (for tests, benchmarks and non-browser clients): feed bytes,
 * get `{event, data, id}` messages and comment lines.
 *
 * @module
 */

export interface SseMessage {
  event: string;
  data: string;
  id?: string;
}

export class SseParser {
  #buf = "";
  #dec = new TextDecoder();
  comments = 0;

  /** Feeds a chunk and returns the complete messages in it. */
  push(chunk: Uint8Array): SseMessage[] {
    this.#buf += this.#dec.decode(chunk, { stream: true });
    const out: SseMessage[] = [];
    let i: number;
    while ((i = this.#buf.indexOf("\n\n")) >= 0) {
      const block = this.#buf.slice(0, i);
      this.#buf = this.#buf.slice(i + 2);
      let event = "message";
      const data: string[] = [];
      let id: string | undefined;
      let any = false;
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) {
          this.comments++;
          continue;
        }
        const c = line.indexOf(":");
        const field = c < 0 ? line : line.slice(0, c);
        const value = c < 0 ? "" : line.slice(c + 1).replace(/^ /, "");
        if (field === "event") event = value;
        else if (field === "data") data.push(value);
        else if (field === "id") id = value;
        else continue;
        any = true;
      }
      if (any && data.length) out.push({ event, data: data.join("\n"), id });
    }
    return out;
  }
}
