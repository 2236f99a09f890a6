/**
 * Cross-runtime: ticks written by the Node bridge's KV sink (@deno/kv, JSON bytes) into a
 * sqlite KV are read by kdesk in Deno (latest, history) and reach SSE subscribers through
 * the KV poll fallback.
 */
import assert from "node:assert/strict";
import { LiveService } from "../lib/live/service.ts";
import { SseParser } from "../lib/live/sse_parse.ts";
import type { StoredTick } from "../lib/live/types.ts";
import { getTickHistory } from "../lib/store/ticks.ts";

const ROOT = new URL("../", import.meta.url).pathname;

async function nodeWrite(path: string, code: string, n: number, first: number) {
  const out = await new Deno.Command(`${ROOT}bridge/node_modules/.bin/tsx`, {
    args: [`${ROOT}bridge/test/kv_write_cli.ts`, path, code, String(n), String(first)],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
}

Deno.test({
  name: "KV sink (Node) → kdesk (Deno): latest, history and the poll fallback",
  sanitizeResources: false,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "kdesk-kvconnect-" });
    const path = `${dir}/kv.sqlite`;
    try {
      await nodeWrite(path, "402760", 5, 51_000);
      const kv = await Deno.openKv(path);
      const live = new LiveService(kv);
      try {
        const t = await live.latest("402760");
        assert.equal(t?.price, 51_040);
        assert.equal(t?.simulated, false);
        const hist = await getTickHistory(kv, "402760");
        assert.deepEqual(hist.map((h) => h.price), [51_000, 51_010, 51_020, 51_030, 51_040]);

        live.startKvPoll(20);
        const reader = live.broadcaster.subscribe(["402760"]).getReader();
        const parser = new SseParser();
        // Let the poll record the current head first, then write more from Node.
        await new Promise((r) => setTimeout(r, 100));
        await nodeWrite(path, "402760", 2, 60_000);
        const prices: number[] = [];
        const end = Date.now() + 5000;
        while (!prices.includes(60_010) && Date.now() < end) {
          const { value } = await reader.read();
          if (value) {
            for (const m of parser.push(value)) {
              if (m.event === "tick") prices.push((JSON.parse(m.data) as StoredTick).price);
            }
          }
        }
        assert.ok(prices.includes(60_010), `poll delivered ${prices}`);
        await reader.cancel();
      } finally {
        live.close();
        kv.close();
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
