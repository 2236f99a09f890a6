/**
 * The schedules against the real `Deno.cron` of the running Deno (2.9.6), in subprocesses:
 *
 * 1. every schedule of `cron/schedules.ts` registers (an invalid one makes `Deno.cron`
 *    throw "Invalid cron schedule" and kills `deno task start` in live mode);
 * 2. `parseCron` rejects whatever `Deno.cron` rejects, and whatever it accepts `Deno.cron`
 *    accepts too;
 * 3. under `faketime` (Debian's libfaketime), children started a few seconds before chosen
 *    UTC minutes register a corpus of expressions (every schedule among them); the set that
 *    fires at the minute must be exactly the set `nextFire` says fires then. This is what
 *    proves Deno's day-of-week numbering (1 = Sunday) and that `/ops` shows true times.
 *
 * @module
 */
import assert from "node:assert/strict";
import { nextFire, parseCron, SCHEDULES } from "../cron/schedules.ts";

const FAKETIME = "/usr/bin/faketime";

/** Registers each expression with `Deno.cron` in a child; "OK" or the error message. */
const REGISTER = `
const list = JSON.parse(await new Response(Deno.stdin.readable).text());
const ac = new AbortController();
const out = list.map((s, i) => {
  try { Deno.cron("c" + i, s, { signal: ac.signal }, () => {}); return "OK"; }
  catch (e) { return String(e && e.message || e); }
});
ac.abort();
console.log(JSON.stringify(out));
`;

/** Registers the expressions, waits until `until` (ms, on the child's clock), prints what fired. */
const FIRE = `
const list = JSON.parse(await new Response(Deno.stdin.readable).text());
const until = Number(Deno.args[0]);
const ac = new AbortController();
const fired = [];
const started = Date.now();
list.forEach((s, i) => Deno.cron("c" + i, s, { signal: ac.signal }, () => { fired.push(i); }));
await new Promise((r) => setTimeout(r, Math.max(0, until - Date.now())));
ac.abort();
console.log(JSON.stringify({ started, fired: [...new Set(fired)].sort((a, b) => a - b) }));
`;

async function child(
  code: string,
  input: unknown,
  opts: { args?: string[]; fakeAt?: string } = {},
): Promise<string> {
  const denoArgs = ["eval", "--no-config", "--unstable-cron", code, ...(opts.args ?? [])];
  for (let attempt = 1;; attempt++) {
    const cmd = opts.fakeAt
      ? new Deno.Command(FAKETIME, {
        args: ["-f", `@${opts.fakeAt}`, Deno.execPath(), ...denoArgs],
        env: { TZ: "UTC" },
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
      })
      : new Deno.Command(Deno.execPath(), {
        args: denoArgs,
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
      });
    const p = cmd.spawn();
    const w = p.stdin.getWriter();
    await w.write(new TextEncoder().encode(JSON.stringify(input)));
    await w.close();
    const out = await p.output();
    const text = new TextDecoder().decode(out.stdout).trim();
    if (out.success && text) return text.split("\n").at(-1)!;
    const err = new TextDecoder().decode(out.stderr);
    // Deno under faketime's LD_PRELOAD occasionally dies of SIGSEGV at start-up (seen once
    // in ~20 full runs, never without faketime): that is the harness, not the schedule, so
    // such a crash is tried again; any other failure fails at once.
    const crashed = opts.fakeAt && (out.signal === "SIGSEGV" || /Segmentation fault/.test(err));
    if (!crashed || attempt >= 3) throw new Error(`child failed: ${err}`);
  }
}

const registerAll = async (list: string[]): Promise<string[]> =>
  JSON.parse(await child(REGISTER, list));

const accepts = (cron: string): boolean => {
  try {
    parseCron(cron);
    return true;
  } catch {
    return false;
  }
};

Deno.test("[cron] every schedule registers with the real Deno.cron", async () => {
  const got = await registerAll(SCHEDULES.map((s) => s.cron));
  const bad = SCHEDULES.filter((_, i) => got[i] !== "OK").map((s, i) =>
    `${s.name} "${s.cron}": ${got[i]}`
  );
  assert.deepEqual(bad, [], `schedules Deno.cron rejects:\n${bad.join("\n")}`);
  assert.equal(got.length, SCHEDULES.length);
  // And in names: a number in the day-of-week field reads as Vixie's but is saffron's.
  for (const s of SCHEDULES) {
    assert.match(s.cron.split(/\s+/)[4], /^(\*|[A-Z]{3}(-[A-Z]{3})?(,[A-Z]{3}(-[A-Z]{3})?)*)$/);
  }
});

/** Strings Deno.cron accepts (checked below): parseCron accepts them too. */
const GOOD = [
  "0 0 * * *",
  "0  0 * * *",
  "0\t0 * * *",
  "*/59 * * * *",
  "0 */23 * * *",
  "0 0 */30 * *",
  "0 0 * */11 *",
  "0 0 * * */6",
  "0 0 * * 2-6/2",
  "0 0 * * MON-5",
  "0 0 * JAN-MAR *",
  "0 0 * jan *",
  "0 0 * * mon-fri",
  "0 0 * * 7",
  "0 0 * * 1-7",
  "0 0 * * SAT,SUN",
  "0 0 1,15 * MON",
  "00 00 01 01 07",
  "0 0 1-31/2 * *",
  "5/15 * * * *",
  "0-30/15,45 * * * *",
  "0 0 * * Tue/2",
  "0 0 * * 5-7/2",
  "0 0 1-1 * *",
  ...SCHEDULES.map((s) => s.cron),
];

/** Strings Deno.cron rejects (checked below): parseCron must reject them. */
const REJECTED = [
  "0 0 * * 0-4",
  "*/5 22-23 * * 0-4",
  "0 0 * * 0",
  "0 0 * * 0,1",
  "0 0 * * 0-6",
  "0 0 * * 8",
  " 0 0 * * *",
  "0 0 * * * ",
  "0\n0 * * * *",
  "*/60 * * * *",
  "*/0 * * * *",
  "0 */24 * * *",
  "0 0 */31 * *",
  "0 0 * */12 *",
  "0 0 * * */7",
  "0 0 * * MONDAY",
  "0 0 JAN * *",
  "0 0 * MON *",
  "0 0 * * JAN",
  "0 0 0 * *",
  "0 0 32 * *",
  "0 0 * 0 *",
  "0 0 * 13 *",
  "0 24 * * *",
  "60 0 * * *",
  "-1 0 * * *",
  "",
  "* * * * * *",
  "* * * *",
  "0 0 ? * *",
  "0 0 * * ?",
  "@daily",
  "000 * * * *",
  "0 0 * * 007",
  "0 0 * * 1/002",
  "0,,5 * * * *",
  "0, 5 * * * *",
  "0 0 * * 1,",
  "0-5-7 * * * *",
  "0 0 * * MON-TUE-WED",
  "+5 * * * *",
  "0 0 * * １",
];

/** Deno.cron accepts these Quartz forms; kdesk's parser refuses them (it need not model them). */
const REFUSED_HERE = [
  "0 0 * * FRI-SUN",
  "50-10 * * * *",
  "0 22-2 * * *",
  "0 0 L * *",
  "0 0 LW * *",
  "0 0 15W * *",
  "0 0 * * L",
  "0 0 * * 6L",
  "0 0 * * 6#3",
  "5,* * * * *",
  "*,5 * * * *",
];

Deno.test("[cron] parseCron rejects what Deno.cron rejects and accepts only what it accepts", async () => {
  const list = [...GOOD, ...REJECTED, ...REFUSED_HERE];
  const deno = await registerAll(list);
  const verdict = new Map(list.map((s, i) => [s, deno[i] === "OK"]));
  const wrong: string[] = [];
  for (const s of GOOD) {
    if (!verdict.get(s)) wrong.push(`Deno.cron rejects GOOD ${JSON.stringify(s)}`);
    if (!accepts(s)) wrong.push(`parseCron rejects ${JSON.stringify(s)}`);
  }
  for (const s of REJECTED) {
    if (verdict.get(s)) wrong.push(`Deno.cron accepts REJECTED ${JSON.stringify(s)}`);
    if (accepts(s)) wrong.push(`parseCron accepts ${JSON.stringify(s)}, Deno.cron does not`);
  }
  for (const s of REFUSED_HERE) {
    if (!verdict.get(s)) wrong.push(`Deno.cron rejects ${JSON.stringify(s)} (move to REJECTED)`);
    if (accepts(s)) wrong.push(`parseCron accepts unsupported ${JSON.stringify(s)}`);
  }
  assert.deepEqual(wrong, []);
});

/** Day-field corpus for the fire test: minute/hour 0 so they fire at 00:00 UTC instants. */
const FIRE_CORPUS = [
  ...["1", "2", "3", "4", "5", "6", "7", "SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"].map((
    d,
  ) => `0 0 * * ${d}`),
  "0 0 * * 1-5",
  "0 0 * * 2-6",
  "0 0 * * MON-FRI",
  "0 0 * * SUN-THU",
  "0 0 * * SAT,SUN",
  "0 0 * * */2",
  "0 0 * * Tue/2",
  "0 0 * * 5-7/2",
  "0 0 1 * *",
  "0 0 1 * MON",
  "0 0 1-7 * SUN",
  "0 0 */2 * *",
  "0 0 * DEC *",
  "0 0 * JAN-MAR *",
  "0 0 * */2 *",
  "0 22 * * *",
  "0 */2 * * *",
  "*/30 * * * *",
  "0,30 9 * * *",
  // Every schedule, and its day fields alone (so each is checked on all seven weekdays).
  ...SCHEDULES.map((s) => s.cron),
  ...SCHEDULES.map((s) => `* * ${s.cron.split(/\s+/).slice(2).join(" ")}`),
];

/** UTC minutes to fire at: each weekday at 00:00, month starts, and the schedules' own times. */
const INSTANTS = [
  "2026-11-22T00:00", // Sun
  "2026-11-23T00:00", // Mon
  "2026-11-24T00:00",
  "2026-11-25T00:00",
  "2026-11-26T00:00",
  "2026-11-27T00:00",
  "2026-11-28T00:00", // Sat
  "2026-12-01T00:00", // Tue, DEC 1st
  "2027-01-01T00:00", // Fri, JAN 1st
  "2026-11-23T22:00", // Mon 22:00 UTC = Tue 07:00 KST
  "2026-11-27T22:00", // Fri 22:00 UTC = Sat 07:00 KST
  "2026-11-29T22:00", // Sun 22:00 UTC = Mon 07:00 KST
  "2026-11-23T09:30", // Mon 18:30 KST
  "2026-11-29T09:30", // Sun
  "2026-11-28T16:00", // Sat 16:00 UTC = Sun 01:00 KST
  "2026-11-28T17:00",
];

Deno.test({
  name: "[cron] Deno.cron fires exactly when nextFire says (faketime, 16 instants)",
  fn: async () => {
    try {
      await Deno.stat(FAKETIME);
    } catch {
      throw new Error(
        "faketime is missing: `apt-get install -y faketime` (scripts/test_setup.ts does it as root)",
      );
    }
    const LEAD_MS = 5000, TAIL_MS = 3000;
    const check = async (minute: string): Promise<string[]> => {
      const t = Date.parse(`${minute}:00Z`);
      const fakeAt = new Date(t - LEAD_MS).toISOString().replace("T", " ").slice(0, 19);
      const r = JSON.parse(
        await child(FIRE, FIRE_CORPUS, { args: [String(t + TAIL_MS)], fakeAt }),
      ) as { started: number; fired: number[] };
      // The fake clock must have been in place (registration before the minute).
      assert.ok(r.started >= t - LEAD_MS && r.started < t, `${minute}: child clock ${r.started}`);
      const deno = new Set(r.fired.map((i) => FIRE_CORPUS[i]));
      const ours = new Set(
        FIRE_CORPUS.filter((c) => nextFire(c, new Date(t - 60_000)).getTime() === t),
      );
      const diff: string[] = [];
      for (const c of deno) {
        if (!ours.has(c)) diff.push(`${minute}Z Deno fires "${c}", nextFire not`);
      }
      for (const c of ours) {
        if (!deno.has(c)) diff.push(`${minute}Z nextFire fires "${c}", Deno not`);
      }
      return diff;
    };
    const diffs: string[] = [];
    // Eight children at a time: each sleeps ~8 s, registration must beat the fake minute.
    for (let i = 0; i < INSTANTS.length; i += 8) {
      for (const d of await Promise.all(INSTANTS.slice(i, i + 8).map(check))) diffs.push(...d);
    }
    assert.deepEqual(diffs, []);
  },
});
