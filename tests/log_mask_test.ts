/** Secret masking units: every form of a secret in text, in bytes, and in the raw store. */
import assert from "node:assert/strict";
import {
  clearSecrets,
  maskSecretBytes,
  maskSecrets,
  registerSecret,
  secretForms,
} from "../lib/log.ts";
import { getRaw, getRawBody, saveRaw } from "../lib/store/raw.ts";

const SECRET = "Pw+d/9=Secret+Pass/Word==";
const b64 = (s: string) => btoa(s);

Deno.test("[mask] every encoded form of a secret is masked in text", () => {
  clearSecrets();
  registerSecret(SECRET);
  try {
    const pct = encodeURIComponent(SECRET);
    const cases = [
      SECRET,
      pct,
      pct.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()), // lower-case hex
      encodeURIComponent(pct),
      new URLSearchParams({ pw: SECRET }).toString().slice(3),
      SECRET.replaceAll("+", " "),
      b64(SECRET),
      b64(SECRET).replace(/=+$/, ""),
      b64(SECRET).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, ""),
      b64(pct),
    ];
    for (const c of cases) {
      const out = maskSecrets(`before ${c} after`);
      assert.equal(out, "before *** after", `${c} → ${out}`);
    }
    // Inside longer base64 at every alignment (Basic auth "id:pw"), and inside a dump.
    for (const id of ["a", "ab", "abc"]) {
      const basic = b64(`${id}:${SECRET}`);
      const out = maskSecrets(`authorization: Basic ${basic}`);
      assert.ok(!out.includes(basic.slice(4, -4)), out);
      const inText = maskSecrets(`dump ${basic} end`);
      for (const f of secretForms(SECRET)) assert.ok(!inText.includes(f), `${f} in ${inText}`);
    }
    // The longest form wins: no half-masked leftovers.
    assert.equal(maskSecrets(`k=${encodeURIComponent(pct)}&x=1`), "k=***&x=1");
    // Unrelated text is untouched.
    assert.equal(maskSecrets("Pw+d/9 is not the secret"), "Pw+d/9 is not the secret");
  } finally {
    clearSecrets();
  }
});

Deno.test("[mask] bytes: forms replaced, everything else (binary, EUC-KR) kept", () => {
  clearSecrets();
  registerSecret(SECRET);
  try {
    const enc = new TextEncoder();
    const head = new Uint8Array([0x1f, 0x8b, 0x80, 0x9f, 0xff, 0x00, 0xb0, 0xa1]);
    const tail = new Uint8Array([0xc7, 0xd1, 0x81, 0x8d, 0x0a]);
    const mid = enc.encode(` key=${encodeURIComponent(SECRET)} b64=${b64(SECRET)} `);
    const body = new Uint8Array([...head, ...mid, ...tail]);
    const out = maskSecretBytes(body);
    assert.deepEqual(out.subarray(0, head.length), head);
    assert.deepEqual(out.subarray(out.length - tail.length), tail);
    assert.equal(
      new TextDecoder().decode(out.subarray(head.length, out.length - tail.length)),
      " key=*** b64=*** ",
    );
    const clean = enc.encode("no secret here");
    assert.equal(maskSecretBytes(clean), clean, "unchanged input is returned as is");
    // A short secret (a 5-letter member id) is masked in text, but not in payload data.
    registerSecret("kdesk");
    assert.equal(maskSecrets("id kdesk"), "id ***");
    const data = enc.encode(`{"name":"kdesk data"}`);
    assert.equal(maskSecretBytes(data), data);
  } finally {
    clearSecrets();
  }
});

Deno.test("[mask] the raw store keeps neither the request's nor the body's secret", async () => {
  clearSecrets();
  registerSecret(SECRET);
  const kv = await Deno.openKv(":memory:");
  try {
    const body = new TextEncoder().encode(
      `<html>bad login: mbrId=x&pw=${encodeURIComponent(SECRET)} (${b64(SECRET)})</html>`,
    );
    const rec = await saveRaw(kv, {
      source: "datakrx",
      dataset: "login",
      request: `POST https://data.krx.co.kr/login?pw=${encodeURIComponent(SECRET)}`,
      http_status: 200,
      content_type: "text/html",
      body,
    });
    const stored = await getRaw(kv, rec.id);
    assert.equal(stored?.request, "POST https://data.krx.co.kr/login?pw=***");
    const got = new TextDecoder().decode((await getRawBody(kv, rec))!);
    assert.equal(got, "<html>bad login: mbrId=x&pw=*** (***)</html>");
  } finally {
    kv.close();
    clearSecrets();
  }
});
