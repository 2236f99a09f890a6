/**
 * The columnar matrix of one trading day: one `Float64Array` per indicator over the
 * instruments that traded that day (`NaN` = null), plus the instruments' code, name, market,
 * sector and status flags. This is what the screening engine reads and what the blob store
 * keeps (one blob per day).
 *
 * Bytes ({@linkcode encodeMatrix}, little-endian, version 1):
 *
 * ```
 * "KSM1" | u32 header length | header JSON (UTF-8) | pad to 8
 * market u8[n] | pad to 2 | sector u16[n] | flags u16[n] | pad to 8
 * per column, as the header's `enc[i]` says:
 *   0 = every value NaN: nothing stored
 *   1 = float32: f32[n], padded to 8 (chosen when every value is exact in float32, or for
 *       every column with `float32: "all"`)
 *   2 = float64 byte-shuffled: byte k of value i at k·n + i (groups exponent bytes, so the
 *       blob store's gzip packs them well)
 * ```
 *
 * The header holds `date`, `n`, the indicator `ids`, `codes`, `names`, `sectors` and `enc`.
 *
 * @module
 */
import { z } from "zod";
import { MARKETS } from "./types.ts";

/** Sector index of "no sector". */
export const NO_SECTOR = 0xffff;

/** One day's indicator values over the instruments. */
export interface DayMatrix {
  date: string;
  /** Indicator ids, the column order. */
  ids: readonly string[];
  codes: string[];
  names: string[];
  /** Index into `MARKETS`. */
  market: Uint8Array;
  /** Index into `sectors`, {@linkcode NO_SECTOR} for none. */
  sector: Uint16Array;
  sectors: string[];
  /** Status-flag bitmask (`FLAG_BITS`). */
  flags: Uint16Array;
  /** One column per id, each of length `codes.length`. */
  cols: Float64Array[];
}

/** A malformed matrix blob. */
export class MatrixFormatError extends Error {
  constructor(message: string) {
    super(`day matrix: ${message}`);
    this.name = "MatrixFormatError";
  }
}

const colIndexes = new WeakMap<DayMatrix, Map<string, number>>();
const rowIndexes = new WeakMap<DayMatrix, Map<string, number>>();

/** The column of an indicator id (undefined if the matrix has none). */
export function column(m: DayMatrix, id: string): Float64Array | undefined {
  let idx = colIndexes.get(m);
  if (!idx) colIndexes.set(m, idx = new Map(m.ids.map((d, i) => [d, i])));
  const i = idx.get(id);
  return i === undefined ? undefined : m.cols[i];
}

/** The row of an instrument code, or -1. */
export function rowOf(m: DayMatrix, code: string): number {
  let idx = rowIndexes.get(m);
  if (!idx) rowIndexes.set(m, idx = new Map(m.codes.map((c, i) => [c, i])));
  return idx.get(code) ?? -1;
}

/** Bytes the matrix's arrays hold in memory (typed arrays; strings estimated at 2 B/char). */
export function matrixMemoryBytes(m: DayMatrix): number {
  let b = m.market.byteLength + m.sector.byteLength + m.flags.byteLength;
  for (const c of m.cols) b += c.byteLength;
  for (const s of m.codes) b += 2 * s.length;
  for (const s of m.names) b += 2 * s.length;
  return b;
}

const Header = z.object({
  v: z.literal(1),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  n: z.number().int().nonnegative(),
  ids: z.array(z.string()),
  codes: z.array(z.string()),
  names: z.array(z.string()),
  sectors: z.array(z.string()),
  enc: z.array(z.union([z.literal(0), z.literal(1), z.literal(2)])),
});

const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const pad = (n: number, to: number) => (n + to - 1) & ~(to - 1);

function encodingOf(col: Float64Array): 0 | 1 | 2 {
  let allNaN = true, f32 = true;
  for (let i = 0; i < col.length; i++) {
    const v = col[i];
    if (v !== v) continue;
    allNaN = false;
    if (Math.fround(v) !== v) {
      f32 = false;
      break;
    }
  }
  return allNaN ? 0 : f32 ? 1 : 2;
}

/**
 * Serializes a matrix (see the module header for the layout). `float32: "all"` stores every
 * column as float32 (about 7 significant digits, half the bytes; decoding reads the rounded
 * values); the default keeps float64 wherever float32 would change a value.
 */
export function encodeMatrix(m: DayMatrix, opts: { float32?: "exact" | "all" } = {}): Uint8Array {
  const n = m.codes.length;
  if (m.cols.length !== m.ids.length) throw new RangeError("cols and ids differ in length");
  const enc = m.cols.map((c) => {
    const e = encodingOf(c);
    return e === 2 && opts.float32 === "all" ? 1 : e;
  });
  const header = new TextEncoder().encode(JSON.stringify({
    v: 1,
    date: m.date,
    n,
    ids: m.ids,
    codes: m.codes,
    names: m.names,
    sectors: m.sectors,
    enc,
  }));
  let size = pad(8 + header.length, 8);
  const metaAt = size;
  size = pad(pad(size + n, 2) + 4 * n, 8);
  const colAt: number[] = [];
  for (const e of enc) {
    colAt.push(size);
    size += e === 0 ? 0 : e === 1 ? pad(4 * n, 8) : 8 * n;
  }
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  out.set([0x4b, 0x53, 0x4d, 0x31], 0); // "KSM1"
  dv.setUint32(4, header.length, true);
  out.set(header, 8);
  out.set(m.market, metaAt);
  const secAt = pad(metaAt + n, 2);
  for (let i = 0; i < n; i++) {
    dv.setUint16(secAt + 2 * i, m.sector[i], true);
    dv.setUint16(secAt + 2 * n + 2 * i, m.flags[i], true);
  }
  const tmp = new Float64Array(n);
  const tmpBytes = new Uint8Array(tmp.buffer);
  m.cols.forEach((col, c) => {
    if (col.length !== n) {
      throw new RangeError(`column ${m.ids[c]} has ${col.length} rows, not ${n}`);
    }
    const at = colAt[c];
    if (enc[c] === 1) {
      for (let i = 0; i < n; i++) dv.setFloat32(at + 4 * i, col[i], true);
    } else if (enc[c] === 2) {
      if (LITTLE) tmp.set(col);
      else {
        const tv = new DataView(tmp.buffer);
        for (let i = 0; i < n; i++) tv.setFloat64(8 * i, col[i], true);
      }
      for (let k = 0; k < 8; k++) {
        const base = at + k * n;
        for (let i = 0; i < n; i++) out[base + i] = tmpBytes[8 * i + k];
      }
    }
  });
  return out;
}

/** Reads bytes written by {@linkcode encodeMatrix}; anything else → {@linkcode MatrixFormatError}. */
export function decodeMatrix(bytes: Uint8Array): DayMatrix {
  if (bytes.length < 8 || bytes[0] !== 0x4b || bytes[1] !== 0x53 || bytes[2] !== 0x4d) {
    throw new MatrixFormatError("no KSM magic");
  }
  if (bytes[3] !== 0x31) throw new MatrixFormatError(`unknown version byte ${bytes[3]}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hl = dv.getUint32(4, true);
  if (8 + hl > bytes.length) throw new MatrixFormatError("header runs past the end");
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + hl)));
  } catch {
    throw new MatrixFormatError("header is not JSON");
  }
  const r = Header.safeParse(json);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new MatrixFormatError(`header ${i.path.join(".") || "(root)"}: ${i.message}`);
  }
  const h = r.data;
  const n = h.n;
  if (h.codes.length !== n || h.names.length !== n || h.enc.length !== h.ids.length) {
    throw new MatrixFormatError("header lengths disagree");
  }
  let at = pad(8 + hl, 8);
  const need = (len: number) => {
    if (at + len > bytes.length) throw new MatrixFormatError("truncated");
  };
  need(n);
  const market = bytes.slice(at, at + n);
  if (market.some((v) => v >= MARKETS.length)) throw new MatrixFormatError("market out of range");
  at = pad(at + n, 2);
  need(4 * n);
  const sector = new Uint16Array(n), flags = new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    sector[i] = dv.getUint16(at + 2 * i, true);
    flags[i] = dv.getUint16(at + 2 * n + 2 * i, true);
    if (sector[i] !== NO_SECTOR && sector[i] >= h.sectors.length) {
      throw new MatrixFormatError(`row ${i}: sector index out of range`);
    }
  }
  at = pad(at + 4 * n, 8);
  const cols: Float64Array[] = [];
  const tmp = new Float64Array(n);
  const tmpBytes = new Uint8Array(tmp.buffer);
  for (const e of h.enc) {
    const col = new Float64Array(n);
    if (e === 0) {
      col.fill(NaN);
    } else if (e === 1) {
      need(4 * n);
      for (let i = 0; i < n; i++) col[i] = dv.getFloat32(at + 4 * i, true);
      at += pad(4 * n, 8);
    } else {
      need(8 * n);
      for (let k = 0; k < 8; k++) {
        const base = at + k * n;
        for (let i = 0; i < n; i++) tmpBytes[8 * i + k] = bytes[base + i];
      }
      if (LITTLE) col.set(tmp);
      else for (let i = 0; i < n; i++) col[i] = new DataView(tmp.buffer).getFloat64(8 * i, true);
      at += 8 * n;
    }
    cols.push(col);
  }
  if (at !== bytes.length) throw new MatrixFormatError(`${bytes.length - at} trailing bytes`);
  return {
    date: h.date,
    ids: h.ids,
    codes: h.codes,
    names: h.names,
    market,
    sector,
    sectors: h.sectors,
    flags,
    cols,
  };
}
