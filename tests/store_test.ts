import assert from "node:assert/strict";
import { Corp, type Disclosure } from "../lib/etl/schemas.ts";
import { normalizeListItem } from "../lib/etl/normalize.ts";
import {
  abortBlobUploads,
  CHUNK_BYTES,
  CHUNKS_PER_COMMIT,
  getBlob,
  getBlobMeta,
  getBlobStream,
  gunzip,
  listBlobRefs,
  listOwnedBlobs,
  putBlob,
  putBlobStream,
  releaseBlobs,
  sha256Hex,
} from "../lib/store/blobs.ts";
import { keys } from "../lib/store/keys.ts";
import { getRaw, getRawBody, listRaw, saveRaw } from "../lib/store/raw.ts";
import { corpCodeByStock, searchCorps, upsertCorpMaster } from "../lib/store/corps.ts";
import {
  latestDisclosures,
  listDisclosuresByCorp,
  upsertDisclosures,
} from "../lib/store/companies.ts";
import { putCompanySnapshot, SnapshotCache } from "../lib/store/snapshots.ts";
import { EpochPoll } from "../lib/store/epoch.ts";
import { fromStored, toStored } from "../lib/store/json.ts";
import { buildCompanySnapshot } from "../lib/etl/company_snapshot.ts";
import { withKv } from "./helpers/kv.ts";

/** Incompressible bytes. */
function pseudoRandom(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(out.subarray(i, i + 65536));
  return out;
}

Deno.test("[store] blobs: a 1 MiB incompressible payload round-trips over many chunks", () =>
  withKv(async (kv) => {
    const bytes = pseudoRandom(1024 * 1024);
    const meta = await putBlob(kv, bytes);
    assert.equal(meta.hash, await sha256Hex(bytes));
    assert.equal(meta.encoding, "identity"); // gzip would not help
    assert.equal(meta.chunks, Math.ceil(bytes.length / CHUNK_BYTES));
    assert.deepEqual(await getBlob(kv, meta.hash), bytes);
  }));

Deno.test("[store] blobs: compressible payloads are gzipped and stored once", () =>
  withKv(async (kv) => {
    const text = new TextEncoder().encode(
      "<list><corp_code>00434003</corp_code></list>\n".repeat(20000),
    );
    const a = await putBlob(kv, text, "application/xml");
    const b = await putBlob(kv, text, "application/xml");
    assert.equal(a.encoding, "gzip");
    assert.ok(a.stored < a.size / 10);
    assert.equal(a.created_at, b.created_at); // second write found the first
    assert.deepEqual(await getBlob(kv, a.hash), text);
    assert.equal(await getBlob(kv, "0".repeat(64)), null);
  }));

Deno.test("[store] blobs: a missing chunk is reported, not returned as data", () =>
  withKv(async (kv) => {
    const meta = await putBlob(kv, pseudoRandom(200_000));
    await kv.delete(keys.blobChunk(meta.hash, 1));
    await assert.rejects(() => getBlob(kv, meta.hash), /incomplete/);
    assert.ok(await getBlobMeta(kv, meta.hash));
  }));

/** A stream of `bytes` in pieces of `piece` bytes (an odd size, so chunks never line up). */
function streamOf(bytes: Uint8Array, piece = 7_777): ReadableStream<Uint8Array> {
  let off = 0;
  return new ReadableStream({
    pull(c) {
      if (off >= bytes.length) return c.close();
      c.enqueue(bytes.slice(off, off += piece));
    },
  });
}

/** Every key in the store, as strings (a fresh KV per test starts empty). */
async function allKeys(kv: Deno.Kv): Promise<string[]> {
  const out: string[] = [];
  for await (const e of kv.list({ prefix: [] })) out.push(e.key.join("/"));
  return out;
}

const parts = async (kv: Deno.Kv, upload: string) => {
  const out: Uint8Array[] = [];
  for await (const e of kv.list<Uint8Array>({ prefix: keys.blobPartPrefix(upload) })) {
    out.push(e.value);
  }
  return out;
};

Deno.test("[store] blobs: a streamed put bigger than one atomic round-trips byte-identical under the SHA-256 of its bytes", () =>
  withKv(async (kv) => {
    // 2 MiB that gzip cannot shrink, then text it can: more than 12 chunks of 60 KiB stored.
    const text = new TextEncoder().encode("005930,삼성전자,KOSPI,71000\r\n".repeat(40_000));
    const bytes = new Uint8Array(2 * 1024 * 1024 + text.length);
    bytes.set(pseudoRandom(2 * 1024 * 1024));
    bytes.set(text, 2 * 1024 * 1024);
    const meta = await putBlobStream(kv, streamOf(bytes), "text/csv", { owner: "t" });
    assert.equal(meta.hash, await sha256Hex(bytes));
    assert.equal(meta.size, bytes.length);
    assert.equal(meta.encoding, "gzip");
    assert.ok(meta.chunks > CHUNKS_PER_COMMIT, `${meta.chunks} chunks: several commits`);
    assert.equal(meta.chunks, Math.ceil(meta.stored / CHUNK_BYTES));
    const stored = await parts(kv, meta.upload!);
    assert.equal(stored.length, meta.chunks);
    assert.ok(
      stored.slice(0, -1).every((p) => p.length === CHUNK_BYTES),
      "full chunks but the last",
    );
    assert.deepEqual(await getBlobMeta(kv, meta.hash), meta);
    assert.deepEqual(await getBlob(kv, meta.hash), bytes);
    const streamed = await getBlobStream(kv, meta.hash);
    assert.equal(streamed!.meta.size, bytes.length);
    assert.deepEqual(new Uint8Array(await new Response(streamed!.body).arrayBuffer()), bytes);
    assert.deepEqual(
      (await allKeys(kv)).filter((k) => k.startsWith("blob_upload")),
      [],
      "the upload record goes with the meta write",
    );
    // Empty streams are blobs too.
    const empty = await putBlobStream(kv, streamOf(new Uint8Array(0)));
    assert.equal(empty.hash, await sha256Hex(new Uint8Array(0)));
    assert.deepEqual(await getBlob(kv, empty.hash), new Uint8Array(0));
  }));

Deno.test("[store] blobs: a streamed read of a damaged blob errors instead of ending cleanly", () =>
  withKv(async (kv) => {
    const bytes = pseudoRandom(400_000);
    const meta = await putBlobStream(kv, streamOf(bytes));
    const read = async () => {
      const b = await getBlobStream(kv, meta.hash);
      return new Uint8Array(await new Response(b!.body).arrayBuffer());
    };
    assert.deepEqual(await read(), bytes);
    await kv.set(keys.blob(meta.hash), { ...meta, size: meta.size + 1 });
    await assert.rejects(read, /failed its checksum/);
    await kv.set(keys.blob(meta.hash), meta);
    await kv.delete(keys.blobPart(meta.upload!, 3));
    await assert.rejects(read, /incomplete: chunk 3 of \d+ is missing/);
    assert.equal(await getBlobStream(kv, "0".repeat(64)), null);
  }));

Deno.test("[store] blobs: the same bytes streamed twice, or put whole, are stored once", () =>
  withKv(async (kv) => {
    const bytes = new TextEncoder().encode(
      "<list><corp_code>00434003</corp_code></list>\n".repeat(30000),
    );
    const a = await putBlobStream(kv, streamOf(bytes), "application/xml");
    const b = await putBlobStream(kv, streamOf(bytes, 65_536), "application/xml");
    assert.deepEqual(b, a, "the second found the first");
    const whole = await putBlob(kv, bytes, "application/xml");
    assert.equal(whole.created_at, a.created_at);
    const keysNow = await allKeys(kv);
    assert.equal(keysNow.filter((k) => k.startsWith("blob_part/")).length, a.chunks);
    assert.deepEqual(keysNow.filter((k) => !k.startsWith("blob_part/")), [`blob/${a.hash}`]);
  }));

Deno.test("[store] blobs: a stream that errors midway leaves no meta, no parts and no upload record", () =>
  withKv(async (kv) => {
    const random = pseudoRandom(CHUNK_BYTES * CHUNKS_PER_COMMIT * 2); // two commits' worth
    let off = 0;
    let cancelled = false;
    const broken = new ReadableStream<Uint8Array>({
      pull(c) {
        if (off >= random.length) return c.error(new Error("the source broke"));
        c.enqueue(random.slice(off, off += 50_000));
      },
      cancel() {
        cancelled = true;
      },
    });
    await assert.rejects(putBlobStream(kv, broken, "text/csv", { owner: "x" }), /the source broke/);
    assert.deepEqual(await allKeys(kv), [], "nothing is left");
    assert.equal(await getBlob(kv, await sha256Hex(random)), null);
    assert.equal(cancelled, false, "an errored source is not cancelled");

    // A failing KV write cancels the source and cleans up the same way.
    const closed = await Deno.openKv(":memory:");
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(c) {
        if (++pulled === 40) closed.close();
        c.enqueue(pseudoRandom(50_000));
      },
      cancel() {
        cancelled = true;
      },
    });
    await assert.rejects(putBlobStream(closed, endless));
    assert.ok(cancelled, "the source was cancelled");
  }));

Deno.test("[store] blobs: releasing an owner deletes ref-counted blobs no other owner holds", () =>
  withKv(async (kv) => {
    const enc = (s: string) => new TextEncoder().encode(s.repeat(20_000));
    const shared = await putBlobStream(kv, streamOf(enc("shared,")), "text/csv", { owner: "a" });
    const again = await putBlobStream(kv, streamOf(enc("shared,")), "text/csv", { owner: "b" });
    assert.equal(again.hash, shared.hash);
    assert.deepEqual((await listBlobRefs(kv, shared.hash)).sort(), ["a", "b"]);
    const own = await putBlobStream(kv, streamOf(pseudoRandom(300_000)), "x", { owner: "a" });
    // Stored whole first (a raw payload): permanent, whoever streams the same bytes later.
    const plain = await putBlob(kv, enc("plain,"));
    await putBlobStream(kv, streamOf(enc("plain,")), "x", { owner: "a" });
    // Streamed with an owner, then stored whole: becomes permanent.
    const pinned = await putBlobStream(kv, streamOf(enc("pinned,")), "x", { owner: "a" });
    assert.equal((await putBlob(kv, enc("pinned,"))).refcounted, undefined);
    assert.deepEqual(
      (await listOwnedBlobs(kv, "a")).sort(),
      [shared.hash, own.hash, pinned.hash].sort(),
    );

    const r = await releaseBlobs(kv, "a");
    assert.equal(r.released, 3);
    assert.deepEqual(r.deleted, [own.hash], "only the blob no one else holds");
    assert.equal(await getBlobMeta(kv, own.hash), null);
    assert.deepEqual(await parts(kv, own.upload!), [], "its chunks went with it");
    assert.deepEqual(await getBlob(kv, shared.hash), enc("shared,"), "b still holds it");
    assert.deepEqual(await getBlob(kv, plain.hash), enc("plain,"));
    assert.deepEqual(await getBlob(kv, pinned.hash), enc("pinned,"));
    assert.deepEqual(await listOwnedBlobs(kv, "a"), []);

    assert.deepEqual((await releaseBlobs(kv, "b")).deleted, [shared.hash]);
    assert.equal(await getBlob(kv, shared.hash), null);
    assert.deepEqual(
      (await allKeys(kv)).filter((k) => !k.includes(plain.hash) && !k.includes(pinned.hash))
        .filter((k) => !k.startsWith("blob_part/")),
      [],
    );
    assert.equal(
      (await allKeys(kv)).filter((k) => k.startsWith("blob_part/")).length,
      (await getBlobMeta(kv, pinned.hash))!.chunks,
      "only the pinned blob's parts are left (the plain one's are under its hash)",
    );
  }));

Deno.test("[store] blobs: an owner's unfinished upload is aborted; it then fails instead of committing", () =>
  withKv(async (kv) => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let sent = 0;
    const slow = new ReadableStream<Uint8Array>({
      async pull(c) {
        if (sent >= 3) {
          await gate;
          c.enqueue(pseudoRandom(CHUNK_BYTES));
          return c.close();
        }
        sent++;
        c.enqueue(pseudoRandom(CHUNK_BYTES * CHUNKS_PER_COMMIT));
      },
    });
    const put = putBlobStream(kv, slow, "x", { owner: "dead-worker" });
    const done = put.catch((e) => e as Error);
    // Wait until the upload has parts in the store.
    for (let i = 0; i < 500; i++) {
      if ((await allKeys(kv)).some((k) => k.startsWith("blob_part/"))) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    assert.ok((await allKeys(kv)).some((k) => k.startsWith("blob_part/")));
    assert.equal(await abortBlobUploads(kv, "someone-else"), 0);
    assert.equal(await abortBlobUploads(kv, "dead-worker"), 1);
    release();
    const err = await done;
    assert.ok(err instanceof Error);
    assert.match(err.message, /aborted before it finished/);
    assert.deepEqual(await allKeys(kv), []);
  }));

Deno.test("[store] large JSON spills to a blob and reads back", () =>
  withKv(async (kv) => {
    const big = JSON.stringify({
      rows: Array.from({ length: 5000 }, (_, i) => ({ i, s: "가".repeat(10) })),
    });
    const stored = await toStored(kv, big);
    assert.ok("blob" in stored);
    assert.equal(await fromStored(kv, stored), big);
    const small = await toStored(kv, "{}");
    assert.deepEqual(small, { json: "{}" });
  }));

Deno.test("[store] raw payloads keep the masked request and the exact bytes", () =>
  withKv(async (kv) => {
    const body = new TextEncoder().encode('{"status":"000","message":"정상"}');
    const rec = await saveRaw(kv, {
      source: "dart",
      dataset: "company",
      request:
        "https://opendart.fss.or.kr/api/company.json?crtfc_key=abcdef0123456789&corp_code=00126380",
      http_status: 200,
      content_type: "application/json",
      body,
    });
    assert.ok(!rec.request.includes("abcdef0123456789"));
    assert.match(rec.request, /crtfc_key=\*\*\*/);
    assert.deepEqual(await getRaw(kv, rec.id), rec);
    assert.deepEqual(await getRawBody(kv, rec), body);
    const page = await listRaw(kv, "dart", { dataset: "company" });
    assert.equal(page.values.length, 1);
    assert.equal(page.values[0].hash, rec.hash);
  }));

const corp = (code: string, name: string, stock: string | null, date = "2026-01-01") =>
  Corp.parse({
    corp_code: code,
    corp_name: name,
    corp_eng_name: null,
    stock_code: stock,
    modify_date: date,
  });

Deno.test("[store] corp master writes only changes and keeps the stock index right", () =>
  withKv(async (kv) => {
    const first = await upsertCorpMaster(kv, [
      corp("00126380", "삼성전자", "005930"),
      corp("00434003", "다코", null),
      corp("01234567", "한빛전자(주)", "0091A0"),
    ]);
    assert.deepEqual([first.added, first.changed, first.removed], [3, 0, 0]);
    assert.equal(await corpCodeByStock(kv, "0091A0"), "01234567");

    const again = await upsertCorpMaster(kv, [
      corp("00126380", "삼성전자", "005930"),
      corp("01234567", "한빛전자(주)", "123450", "2026-02-01"), // stock code changed
    ]);
    assert.deepEqual([again.added, again.changed, again.removed], [0, 1, 1]);
    assert.equal(await corpCodeByStock(kv, "0091A0"), null);
    assert.equal(await corpCodeByStock(kv, "123450"), "01234567");
    assert.equal((await kv.get(keys.corp("00434003"))).value, null);
  }));

Deno.test("[store] corp search ranks code, exact, prefix and substring matches", () =>
  withKv(async (kv) => {
    await upsertCorpMaster(kv, [
      corp("00000001", "한빛전자(주)", "000010"),
      corp("00000002", "한빛전자서비스", null),
      corp("00000003", "대한빛전자", "000030"),
      corp("00000004", "누리바이오", "000040"),
    ]);
    const hits = await searchCorps(kv, "한빛전자", 10);
    assert.deepEqual(hits.map((h) => h.corp_code), ["00000001", "00000002", "00000003"]);
    assert.equal((await searchCorps(kv, "000040"))[0].corp_code, "00000004");
    assert.equal((await searchCorps(kv, "00000004"))[0].corp_name, "누리바이오");
    assert.deepEqual(await searchCorps(kv, "없는회사"), []);
    assert.deepEqual(await searchCorps(kv, "   "), []);
  }));

function disclosure(no: string, corpCode: string, name: string): Disclosure {
  return normalizeListItem({
    corp_code: corpCode,
    corp_name: "한빛전자",
    stock_code: "000010",
    corp_cls: "K",
    report_nm: name,
    rcept_no: no,
    flr_nm: "한빛전자",
    rcept_dt: no.slice(0, 8),
    rm: "코",
  });
}

Deno.test("[store] disclosures upsert counts new/changed/unchanged and indexes by corp and date", () =>
  withKv(async (kv) => {
    const a = disclosure("20261101000001", "00000001", "주요사항보고서(유상증자결정)");
    const b = disclosure("20261102000002", "00000001", "[기재정정]주요사항보고서(유상증자결정)");
    const r1 = await upsertDisclosures(kv, [a, b]);
    assert.deepEqual([r1.new, r1.changed, r1.unchanged], [2, 0, 0]);
    const r2 = await upsertDisclosures(kv, [a, { ...b, flr_nm: "다른이름" }]);
    assert.deepEqual([r2.new, r2.changed, r2.unchanged], [0, 1, 1]);
    const byCorp = await listDisclosuresByCorp(kv, "00000001");
    assert.deepEqual(byCorp.values.map((d) => d.rcept_no), [b.rcept_no, a.rcept_no]);
    const latest = await latestDisclosures(kv, 1);
    assert.equal(latest[0].rcept_no, b.rcept_no);
  }));

function snap(corpCode: string, built: string) {
  return buildCompanySnapshot({
    corp_code: corpCode,
    built_at: built,
    sample: true,
    profile: null,
    financials: [],
    indicators: [],
    disclosures: [],
    source_status: {},
    failed_sections: [],
  });
}

Deno.test("[store] snapshot cache: one read per miss, invalidated by writes and TTL", () =>
  withKv(async (kv) => {
    let t = 0;
    const cache = new SnapshotCache(kv, { ttlMs: 1000, now: () => t });
    try {
      assert.equal(await cache.get("00000001"), null);
      await putCompanySnapshot(kv, snap("00000001", "2026-11-01T00:00:00.000Z"));
      assert.equal((await cache.get("00000001"))?.built_at, "2026-11-01T00:00:00.000Z");
      // a write through the store module drops the entry at once
      await putCompanySnapshot(kv, snap("00000001", "2026-11-02T00:00:00.000Z"));
      assert.equal((await cache.get("00000001"))?.built_at, "2026-11-02T00:00:00.000Z");
      // a write the cache cannot see (raw KV, as another process would) shows after the TTL
      const other = await toStored(
        kv,
        JSON.stringify(snap("00000001", "2026-11-03T00:00:00.000Z")),
      );
      await kv.set(keys.companySnapshot("00000001"), other);
      assert.equal((await cache.get("00000001"))?.built_at, "2026-11-02T00:00:00.000Z");
      t = 1500;
      assert.equal((await cache.get("00000001"))?.built_at, "2026-11-03T00:00:00.000Z");
      const body = await cache.body("00000001");
      assert.equal(JSON.parse(body!.json).corp_code, "00000001");
      const gz = await body!.gzip();
      assert.equal(gz, await body!.gzip()); // compressed once, then reused
      assert.equal(new TextDecoder().decode(await gunzip(gz)), body!.json);
    } finally {
      await cache.close();
    }
  }));

Deno.test("[store] epoch poll: a write elsewhere (epoch bump) is seen with one read", () =>
  withKv(async (kv) => {
    let changes = 0;
    const poll = new EpochPoll(kv, keys.snapshotEpoch(), undefined, () => changes++);
    try {
      await poll.check(); // first read: nothing to compare with
      await poll.check();
      assert.equal(changes, 0);
      await kv.atomic().sum(keys.snapshotEpoch(), 1n).commit(); // another process writes
      await poll.check();
      assert.equal(changes, 1);
      await poll.check();
      assert.equal(changes, 1);
    } finally {
      poll.stop();
    }
  }));

Deno.test("[store] epoch poll, lazy: one read per max age, shared by concurrent callers", () =>
  withKv(async (kv) => {
    let t = 0, changes = 0, reads = 0;
    // counts kv.get calls (Deno.Kv's methods need their own receiver)
    const counted = new Proxy(kv, {
      get(target, prop) {
        const v = Reflect.get(target, prop);
        if (prop === "get") {
          return (...a: Parameters<Deno.Kv["get"]>) => (reads++, target.get(...a));
        }
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
    const poll = new EpochPoll(counted, keys.marketEpoch(), undefined, () => changes++, () => t);
    assert.equal(poll.seen, false);
    await Promise.all([poll.fresh(1000), poll.fresh(1000), poll.fresh(1000)]);
    assert.equal(reads, 1, "concurrent callers share one read");
    assert.equal(poll.seen, true);
    await kv.atomic().sum(keys.marketEpoch(), 1n).commit(); // another process writes
    t = 999;
    await poll.fresh(1000);
    assert.deepEqual([reads, changes], [1, 0], "a read younger than the max age is trusted");
    t = 1000;
    await poll.fresh(1000);
    assert.deepEqual([reads, changes], [2, 1], "then read again, and the move is seen");
    poll.reset();
    assert.equal(poll.seen, false);
    await poll.fresh(1000);
    assert.equal(reads, 3, "reset forgets the last read");
    await poll.fresh(0);
    assert.equal(reads, 4, "max age 0 reads every time");
    assert.equal(changes, 1);
  }));

Deno.test("[store] snapshot cache drops entries when the epoch moves (other writers)", () =>
  withKv(async (kv) => {
    await putCompanySnapshot(kv, snap("00000001", "2026-11-01T00:00:00.000Z"));
    const cache = new SnapshotCache(kv, { ttlMs: 60_000, pollMs: 20 });
    try {
      assert.equal((await cache.get("00000001"))?.built_at, "2026-11-01T00:00:00.000Z");
      await new Promise((r) => setTimeout(r, 60)); // the poll has read the epoch
      // another process: new snapshot bytes and an epoch bump, no in-process invalidation
      const other = await toStored(
        kv,
        JSON.stringify(snap("00000001", "2026-11-05T00:00:00.000Z")),
      );
      await kv.atomic().set(keys.companySnapshot("00000001"), other)
        .sum(keys.snapshotEpoch(), 1n).commit();
      await new Promise((r) => setTimeout(r, 80));
      assert.equal((await cache.get("00000001"))?.built_at, "2026-11-05T00:00:00.000Z");
    } finally {
      await cache.close();
    }
  }));
