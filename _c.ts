import { buildTestApp } from "./tests/helpers/app.ts";
import { parse } from "node-html-parser";
const t = await buildTestApp();
const show = async (u: string) => {
  const r = await t.app.request(u);
  console.log("==", u, r.status, r.headers.get("location") ?? "");
  if (r.status === 200 && (r.headers.get("content-type") ?? "").includes("html")) {
    const d = parse(await r.text());
    const main = d.querySelector("main")!;
    console.log(main.structuredText.slice(0, 900));
  } else await r.body?.cancel();
};
await show("/stock/077840");
await show("/company/00302848");
await show("/company?q=%EA%B0%80%EC%98%A8%EC%A0%84%EC%9E%90"); // 가온전자
await show("/company?q=%E3%84%B1%E3%84%B9"); // ㄱㄹ
await show("/stock/KR7077840002");
await show("/company/077840");
await t.close();
