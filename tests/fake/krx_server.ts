/**
 * A fake KRX on loopback (`127.0.0.1`, random port) for client tests: the OpenAPI
 * (`/svc/apis/{sto|idx}/{api_id}`) and data.krx.co.kr (login pages, `MDCCOMS001D1.cmd`,
 * `getJsonData.cmd`) on one origin, served through `createKrxFixture`. Every request is
 * recorded. Faults are keyed by `api_id` (`stk_bydd_trd`, …), by screen (`MDCSTAT02203`) or
 * `login` (the login POST):
 *
 * - `{kind: "timeout"}` — never answers until the server closes;
 * - `{kind: "status", status: 500, body?}` — that HTTP status with an HTML body;
 * - `{kind: "body", body, contentType?, status?}` — any body (malformed JSON, HTML, …);
 * - `{kind: "delay", ms}` — answer normally after a delay;
 * - `{kind: "logout"}` — data.krx only: every session ends, so the call answers `LOGOUT`;
 * - `{kind: "echo", status?, contentType?}` — a page quoting the request back, `AUTH_KEY`
 *   header and login form included (`loopback.ts`).
 *
 * Any fault may carry `times: n` to hit only the next n calls of that name.
 *
 * {@linkcode loadKrxFixtureDataset} builds a {@linkcode KrxDataset} from `tests/fixtures/krx/`.
 *
 * @module
 */
import {
  createKrxFixture,
  DATA_KRX_PATHS,
  type DataKrxFlowRow,
  FLOW_SCREEN,
  KRX_API_TARGET,
  type KrxDataset,
  type KrxFixtureOptions,
} from "../../lib/sources/krx/mod.ts";
import { type CommonFault, commonFault, FaultTable, serveLoopback } from "./loopback.ts";

/** One injectable fault. */
export type KrxFault = (CommonFault | { kind: "logout" }) & { times?: number };

/** One request as received. */
export interface KrxCall {
  /** `api_id`, `MDCSTAT02203`, `login`, `loginPage` or `other`. */
  name: string;
  method: string;
  url: URL;
  /** The raw request body ("" for GET). */
  body: string;
  /** The form fields (POST body merged over the query). */
  form: URLSearchParams;
  headers: Headers;
}

/** Options of {@linkcode startFakeKrx}. */
export interface FakeKrxOptions extends KrxFixtureOptions {
  dataset: KrxDataset;
  faults?: Record<string, KrxFault>;
}

/** A running fake KRX. */
export interface FakeKrx {
  /** Origin, e.g. `http://127.0.0.1:41234` (data.krx base URL). */
  url: string;
  /** OpenAPI base URL: `${url}/svc/apis`. */
  apiUrl: string;
  calls: KrxCall[];
  /** Calls of one name. */
  callsOf(name: string): KrxCall[];
  setFault(name: string, fault: KrxFault | null): void;
  /** Ends every data.krx session. */
  expireSessions(): void;
  close(): Promise<void>;
}

function nameOf(path: string, form: URLSearchParams): string {
  const api = /\/(?:sto|idx)\/([a-z_]+?)(?:\.json)?$/.exec(path)?.[1];
  if (api && api in KRX_API_TARGET) return api;
  if (path.endsWith(DATA_KRX_PATHS.data)) return (form.get("bld") ?? "").split("/").pop() ?? "";
  if (path.endsWith(DATA_KRX_PATHS.login)) return "login";
  if (path.endsWith(DATA_KRX_PATHS.loginPage) || path.endsWith(DATA_KRX_PATHS.loginJsp)) {
    return "loginPage";
  }
  return "other";
}

/** Starts the fake server on `127.0.0.1` with an OS-assigned port. */
export async function startFakeKrx(opts: FakeKrxOptions): Promise<FakeKrx> {
  const { dataset, faults: initial, ...fixtureOpts } = opts;
  const fixture = createKrxFixture(dataset, fixtureOpts);
  const faults = new FaultTable<KrxFault>();
  const setFault = (name: string, fault: KrxFault | null) => faults.set(name, fault);
  for (const [n, f] of Object.entries(initial ?? {})) setFault(n, f);
  const calls: KrxCall[] = [];

  const server = await serveLoopback(async (req, server) => {
    const url = new URL(req.url);
    const body = req.method === "POST" ? await req.text() : "";
    const form = new URLSearchParams(url.search);
    for (const [k, v] of new URLSearchParams(body)) form.set(k, v);
    const name = nameOf(url.pathname, form);
    calls.push({ name, method: req.method, url, body, form, headers: req.headers });
    const f = faults.take(name);
    if (f?.kind === "logout") fixture.expireSessions();
    else if (f) {
      const res = await commonFault(f, server, "application/json;charset=UTF-8", {
        method: req.method,
        url,
        headers: req.headers,
        body,
      });
      if (res) return res;
    }
    return await fixture.fetch(
      new Request(req.url, { method: req.method, headers: req.headers, body: body || undefined }),
    );
  });
  return {
    url: server.origin,
    apiUrl: `${server.origin}/svc/apis`,
    calls,
    callsOf: (name) => calls.filter((c) => c.name === name),
    setFault,
    expireSessions: fixture.expireSessions,
    close: server.close,
  };
}

const FIXTURES = new URL("../fixtures/krx/", import.meta.url);
const rowsOf = <T>(file: string): T[] =>
  JSON.parse(Deno.readTextFileSync(new URL(file, FIXTURES))).OutBlock_1;

/**
 * The fixture files as a dataset: trades and indices on 2024-01-04, base info of KOSPI and
 * KOSDAQ, MDCSTAT02203 rows of KOSPI (`STK`) for 2024-01-02..05; every other day is a holiday.
 */
export function loadKrxFixtureDataset(): KrxDataset {
  const d = "20240104";
  const flowFile = JSON.parse(
    Deno.readTextFileSync(new URL(`datakrx_${FLOW_SCREEN}_STK_20240102_20240105.json`, FIXTURES)),
  ) as { output: DataKrxFlowRow[] };
  return {
    trades: {
      [d]: {
        KOSPI: rowsOf(`stk_bydd_trd_${d}.json`),
        KOSDAQ: rowsOf(`ksq_bydd_trd_${d}.json`),
        KONEX: rowsOf(`knx_bydd_trd_${d}.json`),
      },
    },
    baseInfo: {
      KOSPI: rowsOf(`stk_isu_base_info_${d}.json`),
      KOSDAQ: rowsOf(`ksq_isu_base_info_${d}.json`),
      KONEX: [],
    },
    index: {
      [d]: {
        KRX: rowsOf(`krx_dd_trd_${d}.json`),
        KOSPI: rowsOf(`kospi_dd_trd_${d}.json`),
        KOSDAQ: rowsOf(`kosdaq_dd_trd_${d}.json`),
      },
    },
    flows: {
      STK: Object.fromEntries(flowFile.output.map((r) => [r.TRD_DD.replaceAll("/", ""), r])),
    },
  };
}
