/**
 * What the crawls share (tests/crawl_test.ts in process, tests/e2e/crawl_browser_test.ts in
 * Chromium): where a newcomer starts, which links are downloads rather than pages, and the
 * route pattern a URL belongs to (so a crawl can cap instances per pattern yet reach every
 * pattern).
 */

/** Where a newcomer starts. */
export const START_PAGES = [
  "/",
  "/market",
  "/ipo",
  "/ipo/calendar",
  "/company?q=%EA%B0%80", // 가
  "/exports",
  "/ops",
];

/** File downloads by extension, with the content type each must be served as. */
export const DOWNLOAD_TYPES: Record<string, RegExp> = {
  xlsx: /^application\/vnd\.openxmlformats-officedocument\.spreadsheetml\.sheet\b/,
  parquet: /^application\/(vnd\.apache\.parquet|octet-stream)\b/,
  csv: /^text\/csv\b/,
  zip: /^application\/zip\b/,
};

/** The download extension of a path (`xlsx`, `parquet`, …), or null for a page. */
export function downloadKind(path: string): string | null {
  const ext = /\.([a-z]+)$/.exec(new URL(path, "http://x").pathname)?.[1];
  return ext && ext in DOWNLOAD_TYPES ? ext : null;
}

/**
 * A URL's route pattern: ids in the path become placeholders (`/company/:corp`,
 * `/stock/:code`, `/ipo/:id`) and the query keeps its keys, sorted, without values — except
 * `view`, which picks a different page (`/ipo?view=table`).
 */
export function routePattern(pathAndQuery: string): string {
  const u = new URL(pathAndQuery, "http://x");
  const path = u.pathname.split("/").map((seg) =>
    /^\d{8}$/.test(seg)
      ? ":corp"
      : /^(?=.*\d)[0-9A-Z]{6}$/.test(seg)
      ? ":code"
      : /^[A-Z]\d{6,}$/.test(seg)
      ? ":id"
      : seg
  ).join("/");
  const keys = [...new Set(u.searchParams.keys())].sort()
    .map((k) => k === "view" ? `${k}=${u.searchParams.get(k)}` : k);
  return keys.length ? `${path}?${keys.join("&")}` : path;
}
