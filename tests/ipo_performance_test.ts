/**
 * Post-listing figures of IPO deals (latest close, 시초가, 상장일 종가, returns against the
 * offer price): the deal API against what the market API serves for the same stock, null
 * for deals not listed or without stored prices, a new trading day reaching the cached
 * deal body (the market epoch), the deal page showing the API's numbers, and ipo.xlsx.
 */
import assert from "node:assert/strict";
import ExcelJS from "exceljs";
import { IPO_COLUMNS, IPO_SHEET } from "../lib/export/ipo.ts";
import { FMT, kstDay } from "../lib/export/xlsx.ts";
import { storeItems } from "../lib/etl/ipo.ts";
import type { IpoItem } from "../lib/ipo/model.ts";
import type { DailyBar } from "../lib/market/model.ts";
import { addDays } from "../lib/market/range.ts";
import { putBars } from "../lib/store/market.ts";
import { buildTestApp } from "./helpers/app.ts";
import { dealBody } from "../routes/ipo.ts";
import { contract, type Json } from "./helpers/contract.ts";
import {
  buildMarketApp,
  IPO_CODE,
  IPO_DEAL_ID,
  ipoDeal,
  NO_BARS,
  tradingDays,
} from "./helpers/market.ts";

const DEAL = "/api/v1/ipo/{pipeline_id}";

/** The return in %, 2 decimals, computed here (not with the app's helper). */
const pct = (value: number, base: number) => Math.round(((value - base) / base) * 10000) / 100;
/** How the pages write 원 and signed % (2 decimals). */
const won = (n: number) => `${n.toLocaleString("en-US")}원`;
const signed = (x: number) => `${x > 0 ? "+" : ""}${x.toFixed(2)}%`;

/** Bars the market API serves for a stock from `from` to the latest stored day. */
async function daily(
  app: { request(u: string): Response | Promise<Response> },
  code: string,
  from: string,
) {
  const res = await app.request(`/api/v1/market/instruments/${code}/daily?from=${from}`);
  assert.equal(res.status, 200);
  const bars = (await res.json()).bars as DailyBar[];
  assert.ok(bars.length > 0, `${code} has bars from ${from}`);
  return bars;
}

/** The text of the element with `id` in an HTML page (tags stripped). */
function textOf(html: string, id: string): string | null {
  const m = new RegExp(`id="${id}"[^>]*>(.*?)</dd>`, "s").exec(html);
  return m ? m[1].replace(/<[^>]+>/g, "").replace(/&nbsp;|\s+/g, " ").trim() : null;
}

Deno.test("[ipo performance] listed sample deals: the API's figures are the market API's bars", async () => {
  const t = await buildTestApp();
  try {
    const check = await contract(t.app);
    const listed =
      (await check("/api/v1/ipo/pipeline?stage=상장&limit=200", "/api/v1/ipo/pipeline", 200))
        .items as Json[];
    let compared = 0;
    for (const row of listed) {
      if (!row.stock_code || !row.price || !row.list) continue;
      const d = await check(`/api/v1/ipo/${row.id}`, DEAL, 200);
      const bars = await daily(t.app, row.stock_code, row.list);
      const first = bars[0], last = bars.at(-1)!;
      // the latest close is the instrument's own latest close, as its summary serves it
      const price = (await (await t.app.request(`/api/v1/market/instruments/${row.stock_code}`))
        .json()).price;
      assert.equal(price.date, last.date);
      assert.equal(d.last_close, last.close, row.name);
      assert.equal(d.last_close_date, last.date);
      assert.deepEqual(d.after_listing, {
        pipeline_id: row.id,
        offer_price: row.price,
        listing_date: row.list,
        first_day_date: first.date,
        first_day_open: first.open,
        first_day_close: first.close,
        first_day_return_pct: pct(first.close!, row.price),
        return_since_offer_pct: pct(last.close!, row.price),
      });
      // the pipeline row carries the same return
      assert.equal(row.return_since_offer_pct, d.after_listing.return_since_offer_pct);
      compared++;
    }
    assert.ok(compared >= 3, `${compared} listed deals compared`);
    const all = (await check("/api/v1/ipo/pipeline?limit=200", "/api/v1/ipo/pipeline", 200))
      .items as Json[];
    assert.ok(
      all.every((r) => (r.stage === "상장") === ("return_since_offer_pct" in r)),
      "only listed rows carry a return",
    );

    // a deal not listed yet: no figures, whatever prices are stored
    const upcoming = (await check(
      "/api/v1/ipo/pipeline?stage=청약,수요예측,증권신고서&limit=1",
      "/api/v1/ipo/pipeline",
      200,
    ))
      .items[0];
    assert.ok(upcoming, "the sample has a deal not listed yet");
    const u = await check(`/api/v1/ipo/${upcoming.id}`, DEAL, 200);
    assert.equal(u.last_close, null);
    assert.equal(u.last_close_date, null);
    assert.equal(u.after_listing, null);
  } finally {
    await t.close();
  }
});

Deno.test("[ipo performance] the deal page shows the API's numbers", async () => {
  const t = await buildTestApp();
  try {
    const id = "K20260310000077"; // 하람로보틱스
    const d = await (await t.app.request(`/api/v1/ipo/${id}`)).json();
    const a = d.after_listing;
    assert.ok(a && d.last_close !== null, "listed with prices");
    const html = await (await t.app.request(`/ipo/${id}`)).text();
    assert.equal(textOf(html, "after-open"), won(a.first_day_open));
    assert.equal(
      textOf(html, "after-first"),
      `${won(a.first_day_close)} (${signed(a.first_day_return_pct)})`,
    );
    const shownDate = d.last_close_date.replaceAll("-", ".");
    assert.equal(textOf(html, "after-close"), `${won(d.last_close)} (${shownDate})`);
    assert.equal(textOf(html, "after-vs"), signed(a.return_since_offer_pct));
    assert.match(html, new RegExp(`id="after-basis"[^>]*>[^<]*KRX[^<]*${shownDate}`));
  } finally {
    await t.close();
  }
});

Deno.test("[ipo performance] a new trading day reaches the deal API and page (market epoch)", async () => {
  const t = await buildMarketApp();
  try {
    const check = await contract(t.app);
    const base = ipoDeal();
    // listed but no bar stored for its code; and a deal not listed whose code has prices
    const noBars: IpoItem = {
      ...base,
      pipeline_id: "K20260901000001",
      corp_name: "무거래신규",
      corp_code: null,
      stock_code: NO_BARS,
    };
    const notListed: IpoItem = {
      ...base,
      pipeline_id: "K20261001000002",
      corp_name: "납입기업",
      corp_code: null,
      stock_code: "402760",
      stage: "납입",
      history: [],
    };
    await storeItems({ kv: t.kv, sample: false }, [base, noBars, notListed], {
      built_at: new Date().toISOString(),
      partial: false,
      source_status: {},
      missing: [],
    });
    for (const id of [noBars.pipeline_id, notListed.pipeline_id]) {
      const d = await check(`/api/v1/ipo/${id}`, DEAL, 200);
      assert.deepEqual([d.last_close, d.last_close_date, d.after_listing], [null, null, null], id);
    }

    const offer = base.facts.final_price!;
    const before = await check(`/api/v1/ipo/${IPO_DEAL_ID}`, DEAL, 200);
    const bars = await daily(t.app, IPO_CODE, base.facts.listing_date!);
    const last = bars.at(-1)!;
    assert.equal(before.last_close, last.close);
    assert.equal(before.after_listing.return_since_offer_pct, pct(last.close!, offer));
    const listedBefore =
      (await check("/api/v1/ipo/pipeline?stage=상장", "/api/v1/ipo/pipeline", 200))
        .items as Json[];
    assert.equal(
      listedBefore.find((r) => r.id === IPO_DEAL_ID).return_since_offer_pct,
      before.after_listing.return_since_offer_pct,
    );
    assert.equal(
      listedBefore.find((r) => r.id === noBars.pipeline_id).return_since_offer_pct,
      null,
    );
    // one body per (deal snapshot, market epoch)
    const b1 = await dealBody(t.deps, IPO_DEAL_ID);
    assert.equal(await dealBody(t.deps, IPO_DEAL_ID), b1, "cached while the epoch stands");

    // the next trading day after the latest stored one, at a different close
    const next = tradingDays(addDays(last.date, 1), addDays(last.date, 20))[0];
    const close = last.close! + 1_230;
    await putBars(t.kv, "KOSDAQ", [{
      ...last,
      date: next,
      open: last.close,
      high: close,
      low: last.close,
      close,
      change: close - last.close!,
      change_pct: pct(close, last.close!),
    }]);

    const b2 = await dealBody(t.deps, IPO_DEAL_ID);
    assert.notEqual(b2, b1, "a new market epoch makes a new body");
    const after = await check(`/api/v1/ipo/${IPO_DEAL_ID}`, DEAL, 200);
    assert.equal(after.last_close, close);
    assert.equal(after.last_close_date, next);
    assert.equal(after.after_listing.return_since_offer_pct, pct(close, offer));
    assert.notEqual(
      after.after_listing.return_since_offer_pct,
      before.after_listing.return_since_offer_pct,
    );
    assert.deepEqual(
      { ...after.after_listing, return_since_offer_pct: null },
      { ...before.after_listing, return_since_offer_pct: null },
      "the first day stays",
    );
    const served = (await daily(t.app, IPO_CODE, next))[0];
    assert.equal(served.close, after.last_close, "the market API serves the same close");
    assert.equal(after.item.pipeline_id, IPO_DEAL_ID);
    assert.equal(after.partial, false);

    const rows = (await check("/api/v1/ipo/pipeline?stage=상장", "/api/v1/ipo/pipeline", 200))
      .items as Json[];
    assert.equal(
      rows.find((r) => r.id === IPO_DEAL_ID).return_since_offer_pct,
      pct(close, offer),
      "the pipeline page body was remade for the new epoch",
    );
    const html = await (await t.app.request(`/ipo/${IPO_DEAL_ID}`)).text();
    assert.equal(textOf(html, "after-close"), `${won(close)} (${next.replaceAll("-", ".")})`);
    assert.equal(textOf(html, "after-vs"), signed(pct(close, offer)));
    // the board shows the same return (1 decimal)
    const board = await (await t.app.request("/ipo?view=table")).text();
    assert.match(
      board,
      new RegExp(`data-sort="${pct(close, offer)}"[^>]*>\\s*<span[^>]*>[+-]?[\\d.]+%`),
    );
  } finally {
    await t.close();
  }
});

async function load(bytes: ArrayBuffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes);
  return wb;
}

Deno.test("[ipo performance] ipo.xlsx: post-listing columns with 원/%/date formats, empty when unknown", async () => {
  const t = await buildTestApp();
  try {
    const res = await t.app.request("/api/v1/export/ipo.xlsx");
    assert.equal(res.status, 200);
    const wb = await load(await res.arrayBuffer());
    const ws = wb.getWorksheet(IPO_SHEET)!;
    assert.equal(ws.columnCount, IPO_COLUMNS.length);
    const head = ws.getRow(1).values as unknown[];
    const col = (h: string) => {
      const i = head.indexOf(h);
      assert.ok(i > 0, `column ${h}`);
      return i;
    };
    const rowOf = (id: string) => {
      for (let r = 2; r <= ws.rowCount; r++) if (ws.getCell(r, 1).value === id) return r;
      throw new Error(`no row ${id}`);
    };
    const id = "K20260310000077";
    const d = await (await t.app.request(`/api/v1/ipo/${id}`)).json();
    const a = d.after_listing;
    const cell = (h: string) => ws.getCell(rowOf(id), col(h));
    const expect: [string, unknown, string][] = [
      ["시초가", a.first_day_open, FMT.krw],
      ["상장일 종가", a.first_day_close, FMT.krw],
      ["상장일 수익률(%)", Math.round(a.first_day_return_pct * 100) / 10000, FMT.pct],
      ["최근 종가", d.last_close, FMT.krw],
      ["공모가 대비 수익률(%)", Math.round(a.return_since_offer_pct * 100) / 10000, FMT.pct],
    ];
    for (const [h, v, fmt] of expect) {
      assert.equal(typeof cell(h).value, "number", h);
      assert.equal(cell(h).value, v, h);
      assert.equal(cell(h).numFmt, fmt, h);
    }
    assert.ok(
      Math.abs(
        (cell("공모가 대비 수익률(%)").value as number) -
          (d.last_close - d.item.facts.final_price) / d.item.facts.final_price,
      ) < 1e-4,
      "a fraction of the offer price, shown as %",
    );
    const day = cell("최근 종가일").value;
    assert.ok(day instanceof Date, "a real Excel date");
    assert.deepEqual(day, kstDay(d.last_close_date));
    assert.equal(cell("최근 종가일").numFmt, FMT.date);

    // a deal not listed: empty cells, not zeros
    const p =
      await (await t.app.request("/api/v1/ipo/pipeline?stage=청약,수요예측,증권신고서&limit=1"))
        .json();
    const r = rowOf(p.items[0].id);
    for (const [h] of [...expect, ["최근 종가일"]]) {
      assert.equal(ws.getCell(r, col(h as string)).value, null, `${h} empty`);
    }

    // the 정보 sheet names KRX and the day the prices are as of
    const asOf = (await (await t.app.request(`/api/v1/market/instruments/${d.item.stock_code}`))
      .json()).price.date;
    const info = wb.getWorksheet("정보")!;
    const lines: string[] = [];
    info.eachRow((row) => lines.push((row.values as unknown[]).filter(Boolean).join(" | ")));
    assert.ok(
      lines.some((l) => l.includes("KRX") && l.includes(asOf)),
      `KRX as of ${asOf}: ${lines.join("\n")}`,
    );
  } finally {
    await t.close();
  }
});
