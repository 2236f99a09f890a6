/**
 * Typed KIND errors. KIND answers with HTML and HTTP 200 even when it is down, so the parser
 * decides:
 *
 * | class | when | what to do |
 * |---|---|---|
 * | {@linkcode KindUnavailableError} | the `페이지 오류` / `시스템 점검` page | retry later; never read it as zero rows |
 * | {@linkcode KindFormatError} | missing table or footer, column count ≠ title list, a value that is not a date/number | the markup changed: look at the raw payload |
 *
 * Transport failures (timeouts, 5xx, network) are the fetch layer's `HttpError`s. Messages pass
 * through `maskSecrets`.
 *
 * @module
 */
import { maskSecrets } from "../../log.ts";

/** Base class of every KIND error. */
export class KindError extends Error {
  /** Screen (raw-store dataset) name, e.g. `pubofrprogcom`. */
  readonly screen: string;
  /** Id of the raw record holding the payload, when one was saved. */
  rawId?: string;

  constructor(message: string, screen: string, opts: { rawId?: string; cause?: unknown } = {}) {
    super(
      maskSecrets(`KIND ${screen}: ${message}`),
      opts.cause === undefined ? undefined : { cause: opts.cause },
    );
    this.name = new.target.name;
    this.screen = screen;
    this.rawId = opts.rawId;
  }
}

/** KIND served its error or maintenance page (`페이지 오류`, `시스템 점검`). Retry later. */
export class KindUnavailableError extends KindError {}

/** The payload is not the markup the screen sends (names what was expected). */
export class KindFormatError extends KindError {}
