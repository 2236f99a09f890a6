/**
 * The KRX sample market: deterministic, wire rows that parse back to the generated records,
 * prices on the tick grid inside the ±30 % limits (listing days inside 60–400 % of the offer
 * price), the universe it promises (featured companies, listed IPO deals, fillers, a halted
 * stock, all three markets, the "-"-priced index row), and a loaded sample that passes
 * validation without issues (the collected days through the real path, the stored history
 * day by day), with the sample fingerprint still skipping a second load.
 */
import assert from "node:assert/strict";
import { validateDay } from "../lib/etl/krx_validate.ts";
import { loadSampleData } from "../lib/etl/sample.ts";
import { sampleJobsContext } from "../lib/jobs/context.ts";
import { runScheduled } from "../cron/handlers.ts";
import { configureLog } from "../lib/log.ts";
import { KRX_MARKETS, toBasDd } from "../lib/market/model.ts";
import { isTradingDay, KRX_HOLIDAYS } from "../lib/market/sessions.ts";
import { onGrid, priceLimits } from "../lib/market/tick_size.ts";
import { renderOutBlock } from "../lib/sources/krx/fixture_fetch.ts";
import {
  parseBaseInfo,
  parseDataKrxFlows,
  parseIndex,
  parseTrades,
} from "../lib/sources/krx/parse.ts";
import { getDay, getDayStatus, listBarDays, listInstruments } from "../lib/store/market.ts";
import { listRaw } from "../lib/store/raw.ts";
import { tradingDays } from "./helpers/market.ts";
import { buildSampleDataset, SAMPLE_AS_OF, SAMPLE_CORP_CODES } from "../sample/dart_sample.ts";
import { IPO_DEALS } from "../sample/ipo_deals.ts";
import {
  buildKrxSampleDataset,
  generateKrxSampleModel,
  isinOf,
  KRX_SAMPLE_FROM,
  KRX_SAMPLE_HISTORY_FROM,
  KRX_SAMPLE_LIVE_DAYS,
  krxSampleFingerprint,
  krxSampleModel,
  loadKrxSample,
} from "../sample/krx_sample.ts";

configureLog({ level: "error", sink: () => {} });

Deno.test("[krx sample] generation is deterministic and uses no Math.random", async () => {
  const random = Math.random;
  Math.random = () => {
    throw new Error("Math.random used");
  };
  let a, b;
  try {
    a = generateKrxSampleModel();
    b = generateKrxSampleModel();
  } finally {
    Math.random = random;
  }
  assert.notEqual(a, b);
  assert.equal(await krxSampleFingerprint(a), await krxSampleFingerprint(b));
  assert.equal(await krxSampleFingerprint(a), await krxSampleFingerprint(krxSampleModel()));
  assert.deepEqual(a.bars.at(-1), b.bars.at(-1));
  assert.deepEqual(a.flows[100], b.flows[100]);
  // a different market would change the fingerprint
  const c = { ...a, bars: [...a.bars] };
  c.bars[5] = {
    ...c.bars[5],
    KOSPI: [{ ...c.bars[5].KOSPI[0], close: 1 }, ...c.bars[5].KOSPI.slice(1)],
  };
  assert.notEqual(await krxSampleFingerprint(c), await krxSampleFingerprint(a));
  // wire rows too
  const d1 = buildKrxSampleDataset({ days: ["2026-11-20"] });
  const d2 = buildKrxSampleDataset({ days: ["2026-11-20"] });
  assert.equal(JSON.stringify(d1), JSON.stringify(d2));
  assert.deepEqual(Object.keys(d1.trades), ["20261120"]);
});

Deno.test("[krx sample] trading days, universe, halted stock, indices", () => {
  const m = krxSampleModel();
  assert.equal(m.days[0], KRX_SAMPLE_FROM);
  assert.equal(m.days.at(-1), SAMPLE_AS_OF);
  assert.ok(m.days.every(isTradingDay));
  assert.ok(m.days.every((d) => !(d in KRX_HOLIDAYS)));
  // Every KRX trading day of the window, none skipped: the weekdays minus the listed
  // closures (2021–2026; more than 60 of them fall in the window, all on weekdays).
  const closures = Object.keys(KRX_HOLIDAYS).filter((d) =>
    d >= KRX_SAMPLE_FROM && d <= SAMPLE_AS_OF
  );
  assert.ok(closures.length > 60, `${closures.length} closures in the window`);
  assert.deepEqual(m.days, tradingDays(KRX_SAMPLE_FROM, SAMPLE_AS_OF), `${m.days.length} days`);

  const byCode = new Map(m.instruments.map((i) => [i.code, i]));
  const dart = buildSampleDataset({ ipoDeals: true });
  const cls: Record<string, string> = { Y: "KOSPI", K: "KOSDAQ", N: "KONEX" };
  for (const corp of SAMPLE_CORP_CODES) {
    const co = dart.companies[corp];
    if (!co.stock_code) continue; // 온새미로 is unlisted
    assert.equal(byCode.get(co.stock_code)?.market, cls[co.corp_cls], co.stock_name);
    assert.equal(byCode.get(co.stock_code)?.name, co.stock_name);
  }
  const listedDeals = IPO_DEALS.filter((d) => d.stage === "상장" && d.stock_code);
  assert.ok(listedDeals.length >= 5);
  for (const d of listedDeals) {
    const inst = byCode.get(d.stock_code!);
    assert.ok(inst, d.dart_name);
    const listing = d.listing?.date ?? d.offering!.listing_date!;
    assert.equal(inst.listing_date, listing);
    const first = m.bars.flatMap((x) => x[inst.market]).find((b) => b.code === inst.code)!;
    assert.equal(first.date, listing, `${d.dart_name} trades from its listing day`);
    if (d.offering?.final_price) {
      assert.equal(m.listingBase.get(inst.code), d.offering.final_price);
      assert.equal(
        first.change,
        first.close! - d.offering.final_price,
        "change vs the offer price",
      );
      if (!d.spac) assert.ok(first.open! >= d.offering.final_price * 1.3, `${d.dart_name} pops`);
    }
  }
  assert.ok(m.instruments.length >= 6 + 5 + 60, `${m.instruments.length} instruments`);
  for (const mk of KRX_MARKETS) {
    assert.ok(m.instruments.filter((i) => i.market === mk).length >= 3, mk);
  }
  assert.ok(m.instruments.every((i) => i.isin === isinOf(i.code)));
  assert.equal(isinOf("005930"), "KR7005930003", "the Luhn check digit of a real ISIN");

  // the halted stock: no open/high/low and no volume on its days, also inside the live window
  const { code, days } = m.halted;
  assert.ok(code && days.length >= 3);
  assert.ok(days.filter((d) => d >= m.days.at(-KRX_SAMPLE_LIVE_DAYS)!).length >= 3);
  const market = byCode.get(code)!.market;
  for (const d of days) {
    const b = m.bars[m.days.indexOf(d)][market].find((x) => x.code === code)!;
    assert.deepEqual([b.open, b.high, b.low, b.volume, b.change], [null, null, null, 0, 0]);
  }

  const names = new Set(m.index.at(-1)!.map((b) => `${b.series}|${b.name}`));
  for (
    const n of [
      "KRX|KRX 300",
      "KOSPI|코스피",
      "KOSPI|코스피 200",
      "KOSDAQ|코스닥",
      "KOSDAQ|코스닥 150",
    ]
  ) assert.ok(names.has(n), n);
  const foreign = m.index.at(-1)!.find((b) => b.name === "코스피 (외국주포함)")!;
  assert.equal(foreign.close, null);
  assert.ok(foreign.market_cap! > 0);
  // investor flows net to zero
  for (const f of m.flows.at(-1)!) {
    assert.equal(Object.values(f.net).reduce((a, b) => a! + b!, 0), 0);
  }
});

Deno.test("[krx sample] every bar obeys OHLC, the tick grid and the ±30 % limit", () => {
  const m = krxSampleModel();
  const listing = new Map(m.instruments.map((i) => [i.code, i.listing_date]));
  const prev = new Map<string, number>();
  let checked = 0, listingDays = 0;
  m.days.forEach((date, t) => {
    for (const mk of KRX_MARKETS) {
      for (const b of m.bars[t][mk]) {
        const where = `${b.code} ${date}`;
        assert.equal(b.date, date);
        assert.ok(onGrid(b.close!), `${where} close ${b.close} off grid`);
        assert.equal(b.market_cap, b.close! * b.shares!, where);
        if (b.open === null) {
          assert.equal(b.volume, 0, where);
          assert.equal(b.change, 0, where);
        } else {
          for (const p of [b.open, b.high!, b.low!]) assert.ok(onGrid(p), `${where} ${p} off grid`);
          assert.ok(b.low! <= Math.min(b.open, b.close!), where);
          assert.ok(b.high! >= Math.max(b.open, b.close!), where);
          assert.ok(b.volume! > 0, where);
          assert.ok(b.value! >= b.low! * b.volume! && b.value! <= b.high! * b.volume!, where);
        }
        const base = prev.get(b.code);
        if (listing.get(b.code) === date) {
          const offer = m.listingBase.get(b.code)!;
          assert.ok(b.close! >= offer * 0.6 && b.close! <= offer * 4, `${where} listing day`);
          listingDays++;
        } else if (base !== undefined) {
          const { upper, lower } = priceLimits(base);
          for (const p of [b.open, b.high, b.low, b.close]) {
            if (p === null) continue;
            assert.ok(p <= upper && p >= lower, `${where} ${p} outside ${lower}..${upper}`);
            assert.ok(Math.abs(p / base - 1) <= 0.3 + 1e-9, where);
          }
          assert.equal(b.change, b.close! - base, where);
        }
        prev.set(b.code, b.close!);
        checked++;
      }
    }
  });
  assert.ok(checked > 90_000, `${checked} bars`);
  assert.ok(listingDays >= 10, `${listingDays} listing days`);
});

Deno.test("[krx sample] wire rows parse back to the generated records", () => {
  const m = krxSampleModel();
  const picks = [0, 400, m.days.length - 9, m.days.length - 1];
  const ds = buildKrxSampleDataset({ days: picks.map((t) => m.days[t]) });
  for (const t of picks) {
    const basDd = toBasDd(m.days[t]);
    for (const mk of KRX_MARKETS) {
      const body = renderOutBlock(ds.trades[basDd][mk]);
      assert.deepEqual(parseTrades(body, { market: mk }), m.bars[t][mk], `${basDd} ${mk}`);
      const flows = JSON.stringify({
        output: [ds.flows![{ KOSPI: "STK", KOSDAQ: "KSQ", KONEX: "KNX" }[mk]][basDd]],
      });
      assert.deepEqual(parseDataKrxFlows(flows, mk), m.flows[t].filter((f) => f.market === mk));
    }
    const idx = [...ds.index[basDd].KRX, ...ds.index[basDd].KOSPI, ...ds.index[basDd].KOSDAQ];
    const parsed = parseIndex(renderOutBlock(idx)).sort((a, b) =>
      a.index_code.localeCompare(b.index_code)
    );
    const want = [...m.index[t]].sort((a, b) => a.index_code.localeCompare(b.index_code));
    assert.deepEqual(parsed, want);
  }
  const base = KRX_MARKETS.flatMap((mk) =>
    parseBaseInfo(renderOutBlock(ds.baseInfo[mk]), { market: mk })
  );
  assert.deepEqual(
    base.sort((a, b) => a.code.localeCompare(b.code)),
    [...m.instruments].sort((a, b) => a.code.localeCompare(b.code)),
  );
});

Deno.test("[krx sample] the loaded sample passes validation; collected days have raw payloads", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const r = await loadKrxSample(kv);
    assert.deepEqual(r.issues, [], "the collected days raise no issue");
    assert.equal(r.live_days, KRX_SAMPLE_LIVE_DAYS);
    assert.equal(r.api_calls, KRX_SAMPLE_LIVE_DAYS * 12);
    const m = krxSampleModel();
    const stored = await listBarDays(kv, "2000-01-01", "2099-12-31");
    const from = m.days.findIndex((d) => d >= KRX_SAMPLE_HISTORY_FROM);
    assert.equal(new Set(stored.map((d) => d.date)).size, m.days.length - from);
    assert.equal(r.stored_days, m.days.length - from);
    assert.equal((await listInstruments(kv)).length, m.instruments.length);
    assert.equal((await getDayStatus(kv, SAMPLE_AS_OF))?.holiday, false);
    const raws = await listRaw(kv, "krx", { dataset: "stk_bydd_trd", limit: 100 });
    assert.equal(raws.values.length, KRX_SAMPLE_LIVE_DAYS);
    assert.equal(
      (await listRaw(kv, "datakrx", { limit: 100 })).values.length,
      KRX_SAMPLE_LIVE_DAYS * 3,
    );

    // every stored day, validated against the previous stored day: no ERROR, no WARN
    const listed = await listInstruments(kv);
    const prev = new Map<string, number>();
    const days = [...new Set(stored.map((d) => d.date))].sort();
    for (const date of days) {
      for (const mk of KRX_MARKETS) {
        const bars = await getDay(kv, date, mk);
        assert.deepEqual(bars, m.bars[m.days.indexOf(date)][mk], `${date} ${mk} as generated`);
        const v = validateDay({
          date,
          market: mk,
          bars,
          previousClose: date === days[0] ? new Map() : prev,
          listed: listed.filter((i) => i.market === mk),
        });
        assert.deepEqual(v.issues, [], `${date} ${mk}`);
        for (const b of bars) prev.set(b.code, b.close!);
      }
    }
  } finally {
    kv.close();
  }
});

Deno.test("[krx sample] loadSampleData includes the market; its fingerprint skips a reload", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const first = await loadSampleData(kv);
    assert.equal(first.skipped, false);
    assert.equal(first.krx?.instruments, krxSampleModel().instruments.length);
    assert.ok((await getDay(kv, SAMPLE_AS_OF, "KOSPI")).length > 10);
    const again = await loadSampleData(kv);
    assert.equal(again.skipped, true);
    // the sample jobs context collects the sample's "today" again: nothing new
    const ctx = sampleJobsContext(kv);
    const run = await runScheduled(ctx, "krx_daily", "manual");
    assert.equal(run.status, "SUCCEEDED", JSON.stringify(run));
    assert.equal(run.detail?.day, SAMPLE_AS_OF);
    assert.equal(run.detail?.api_calls, 12);
    assert.deepEqual([run.counts.new, run.counts.changed], [0, 0]);
    const probe = ctx.probes.find((p) => p.source === "krx");
    await probe!.check();
  } finally {
    kv.close();
  }
});
