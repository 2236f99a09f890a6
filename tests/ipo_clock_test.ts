/**
 * One clock across the pages. In sample mode every page runs on the sample's as-of day
 * (2026-11-20) at a session time: the IPO D-day badges, "이번 주", the calendar month, the
 * footer and the session badge agree with the data, whatever the wall clock says. An injected
 * clock moves all of them together; live mode shows KST now.
 */
import assert from "node:assert/strict";
import { parse } from "node-html-parser";
import { loadConfig } from "../config.ts";
import { LiveService } from "../lib/live/service.ts";
import { fixedClock, liveClock } from "../lib/time/clock.ts";
import { createApp } from "../routes/app.ts";
import { buildTestApp } from "./helpers/app.ts";

/** Pipeline ids of the sample deals the badges are checked on. */
const BITS = "K20260330000095"; // 비츠헬스케어: 청약 11-19…11-20, 상장 12-01
const DARAE = "K20260406000059"; // 다래소재: 청약 11-12…11-13, 상장 11-25
const LUMI = "K20260420000118"; // 루미센서: 수요예측 11-16…11-20, 청약 11-25…11-26

const badgeOf = (html: string, id: string) =>
  parse(html).querySelector(`.ipo-card[data-id="${id}"] .ipo-dday`)?.text.trim() ?? null;
const footer = (html: string) => parse(html).querySelector(".site-footer")?.text ?? "";

Deno.test("[clock] sample mode: every page runs on the sample's as-of day", async () => {
  const t = await buildTestApp(); // no clock injected: the sample mode's default
  try {
    const board = await (await t.app.request("/ipo")).text();
    assert.equal(badgeOf(board, BITS), "청약 마감일", "last 청약 day");
    assert.equal(badgeOf(board, DARAE), "상장 D-5");
    assert.equal(badgeOf(board, LUMI), "수요예측 중");
    assert.doesNotMatch(board, /D\+\d/, "no D+N badge anywhere");
    const week = parse(board).querySelector("#ipo-week h2")!.text;
    assert.match(week, /2026\.11\.16 ~ 11\.22/);
    const subs = parse(board).querySelectorAll("#ipo-week li").map((li) => li.text);
    assert.ok(
      subs.some((s) => s.includes("비츠헬스케어") && s.includes("청약 마감일")),
      subs.join(),
    );

    const deal = await (await t.app.request(`/ipo/${BITS}`)).text();
    assert.equal(parse(deal).querySelector(".page-head .ipo-dday")?.text, "청약 마감일");

    const cal = await (await t.app.request("/ipo/calendar")).text();
    assert.match(parse(cal).querySelector("h1")!.text, /2026년 11월/);
    assert.ok(parse(cal).querySelector('#ipo-calendar td.today[data-date="2026-11-20"]'));

    for (const path of ["/", "/ipo", "/ipo/calendar", `/ipo/${BITS}`, "/market", "/ops"]) {
      const html = await (await t.app.request(path)).text();
      assert.match(footer(html), /기준: 2026\.11\.20 (09|1[0-5]):\d\d KST/, path);
    }
  } finally {
    await t.close();
  }
});

Deno.test("[clock] an injected clock moves badges, week, month and footer together", async () => {
  const t = await buildTestApp({ deps: { clock: fixedClock("2026-11-25T10:00:00+09:00") } });
  try {
    const board = await (await t.app.request("/ipo")).text();
    assert.equal(badgeOf(board, DARAE), "상장일");
    assert.equal(badgeOf(board, LUMI), "청약 중");
    assert.equal(badgeOf(board, BITS), "상장 D-6");
    assert.match(parse(board).querySelector("#ipo-week h2")!.text, /2026\.11\.23 ~ 11\.29/);
    assert.match(footer(board), /기준: 2026\.11\.25 10:00 KST/);
    const app = createApp({ ...t.deps, clock: fixedClock("2026-12-02T10:00:00+09:00") });
    const cal = await (await app.request("/ipo/calendar")).text();
    assert.match(parse(cal).querySelector("h1")!.text, /2026년 12월/);
    // after listing: no badge (old code: "상장 D+1")
    const after = await (await app.request("/ipo")).text();
    assert.equal(badgeOf(after, BITS), null);
  } finally {
    await t.close();
  }
});

Deno.test("[clock] live mode shows KST now", async () => {
  const wall = Date.parse("2026-12-08T06:26:00+09:00");
  const config = loadConfig({ KDESK_KV_PATH: ":memory:", KDESK_SAMPLE: "off" });
  const t = await buildTestApp({ deps: { config, clock: liveClock(() => wall) } });
  try {
    const html = await (await t.app.request("/ipo")).text();
    assert.match(footer(html), /기준: 2026\.12\.08 06:26 KST/);
    assert.match(parse(html).querySelector("#ipo-week h2")!.text, /2026\.12\.07 ~ 12\.13/);
  } finally {
    await t.close();
  }
});

Deno.test("[clock] company page: the session badge runs on the app clock", async () => {
  const t = await buildTestApp();
  const live = new LiveService(t.kv, { mode: "simulator" });
  try {
    const app = createApp({ ...t.deps, live });
    const html = await (await app.request(`/company/${t.corpCode}`)).text();
    const island = parse(html).querySelector('[data-island="SessionBadge"]')!;
    const props = JSON.parse(island.getAttribute("data-props")!);
    assert.deepEqual(props.clock, { mode: "sample", as_of: "2026-11-20" });
    assert.equal(new Date(props.now + 9 * 3600_000).toISOString().slice(0, 10), "2026-11-20");
    const badge = island.querySelector(".session-badge")!;
    assert.equal(badge.text, "모의 시세 · 장중", "the simulator trades on the sample clock");
    assert.equal(badge.getAttribute("data-trading"), "1");
  } finally {
    live.close();
    await t.close();
  }
});
