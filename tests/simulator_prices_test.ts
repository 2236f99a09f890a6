/**
 * Honest simulated prices: the bridge's simulator starts each code at the last KRX close kdesk
 * stored (sent with the code list), moves on the KRX tick grid within the ±30 % limits, and
 * the session badge next to the price says what the simulator does on the same clock.
 */
import assert from "node:assert/strict";
import { parse } from "node-html-parser";
import { Simulator } from "../bridge/src/simulator.ts";
import { sessionBadgeText } from "../islands/SessionBadge.tsx";
import { stateLabel } from "../islands/LivePrice.tsx";
import type { StoredTick } from "../lib/live/types.ts";
import { LiveService } from "../lib/live/service.ts";
import { sessionAt } from "../lib/market/sessions.ts";
import { onGrid, priceLimits } from "../lib/market/tick_size.ts";
import { rng, ticksBetween } from "../bridge/test/prices.ts";
import { type Clock, liveClock, sampleClock } from "../lib/time/clock.ts";
import { createApp } from "../routes/app.ts";
import { buildTestApp } from "./helpers/app.ts";

Deno.test("[simulator] prices start at the stored KRX close, on the grid, within the limits", async () => {
  const t = await buildTestApp();
  try {
    const body = await (await t.app.request("/api/v1/live/codes")).json();
    assert.ok(body.codes.length > 0);
    assert.deepEqual(Object.keys(body.closes).sort(), [...body.codes].sort(), "every code a close");
    for (const code of body.codes) {
      const inst = await (await t.app.request(`/api/v1/market/instruments/${code}`)).json();
      assert.equal(body.closes[code], inst.price.close, `${code}: the stored last close`);
    }
    // The company page shows that close under the live price.
    const page = parse(await (await t.app.request(`/company/${t.corpCode}`)).text());
    const island = page.querySelector('[data-island="LivePrice"]')!;
    const code = JSON.parse(island.getAttribute("data-props")!).code as string;
    const shown = Number(page.querySelector("#price-close")!.getAttribute("data-close"));
    assert.equal(body.closes[code], shown);

    for (let seed = 1; seed <= 10; seed++) {
      const sim = new Simulator({
        ticksPerSec: 1,
        onTicks: () => {},
        onBooks: () => {},
        random: rng(seed),
      });
      sim.setCodes(body.codes, body.closes);
      for (const c of body.codes as string[]) {
        const close = body.closes[c] as number;
        const { upper, lower } = priceLimits(close);
        const first = sim.step(c).tick.price;
        assert.ok(ticksBetween(first, close) <= 2, `${c}: first ${first}, close ${close}`);
        for (let i = 0; i < 1000; i++) {
          const p = sim.step(c).tick.price;
          assert.ok(onGrid(p) && p >= lower && p <= upper, `${c}: ${p}`);
        }
      }
    }
  } finally {
    await t.close();
  }
});

Deno.test("[simulator] the badge says 장중 exactly when the simulator trades, on one clock", () => {
  const wall = [
    "2026-11-21T12:00:00+09:00", // Saturday
    "2026-11-24T11:00:00+09:00", // Tuesday, 정규장
    "2026-11-24T08:40:00+09:00", // 장전 동시호가
    "2026-11-24T15:25:00+09:00", // 장마감 동시호가
    "2026-11-24T17:00:00+09:00", // 시간외
    "2026-11-24T21:30:00+09:00", // closed
    "2026-12-31T11:00:00+09:00", // 연말 휴장일
  ].map((s) => Date.parse(s));
  const clocks: [string, Clock][] = wall.flatMap((w) => [
    [`live ${new Date(w).toISOString()}`, liveClock(() => w)] as [string, Clock],
    [`sample ${new Date(w).toISOString()}`, sampleClock("2026-11-20", () => w)] as [string, Clock],
  ]);
  let trading = 0, idle = 0;
  for (const [name, clock] of clocks) {
    const sim = new Simulator({
      ticksPerSec: 1,
      onTicks: () => {},
      onBooks: () => {},
      now: () => clock.now().getTime(),
    });
    const label = sessionBadgeText(sessionAt(clock.now()), true);
    assert.equal(label.includes("장중"), sim.active(), `${name}: "${label}"`);
    assert.ok(label.startsWith("모의 시세 · "), label);
    if (sim.active()) trading++;
    else idle++;
    if (name.startsWith("sample")) assert.equal(label, "모의 시세 · 장중", name);
  }
  assert.ok(trading > 0 && idle > 0, "both cases covered");
  assert.equal(sessionBadgeText(sessionAt(new Date(wall[1])), false), "정규장");
  // The price's own feed label never calls simulated prices 실시간.
  const tick = { simulated: true } as StoredTick;
  assert.equal(stateLabel("live", tick), "수신 중");
  assert.equal(stateLabel("live", { ...tick, simulated: false }), "실시간");
  assert.equal(stateLabel("live", null), "연결됨");
});

Deno.test("[simulator] rendered company page: the badge agrees with the clock", async () => {
  const t = await buildTestApp();
  const live = new LiveService(t.kv, { mode: "simulator" });
  try {
    const badge = async (clock: Clock) => {
      const app = createApp({ ...t.deps, live, clock });
      const html = await (await app.request(`/company/${t.corpCode}`)).text();
      return parse(html).querySelector(".session-badge")!.text;
    };
    // Sample mode (the default clock): the simulator always trades, the badge says so.
    assert.equal(await badge(sampleClock("2026-11-20")), "모의 시세 · 장중");
    // Live mode outside sessions: the simulator is idle and the badge says the market is shut.
    const sat = Date.parse("2026-11-21T12:00:00+09:00");
    assert.equal(await badge(liveClock(() => sat)), "모의 시세 · 휴장");
    const night = Date.parse("2026-11-24T21:30:00+09:00");
    assert.equal(await badge(liveClock(() => night)), "모의 시세 · 장 종료");
  } finally {
    live.close();
    await t.close();
  }
});
