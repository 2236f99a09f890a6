/**
 * Formatting shared by the live islands (browser and server rendering).
 *
 * @module
 */

/** "51,200" */
export function won(n: number | null | undefined): string {
  return n === null || n === undefined ? "—" : n.toLocaleString("ko-KR");
}

/** "+1,200 (+2.40%)" style parts. */
export function signed(n: number, digits = 0): string {
  const s = Math.abs(n).toLocaleString("ko-KR", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
  return n > 0 ? `+${s}` : n < 0 ? `-${s}` : s;
}

/** Korean direction class: "up" (red), "down" (blue), "flat". */
export function dirClass(change: number | null | undefined): "up" | "down" | "flat" {
  return !change ? "flat" : change > 0 ? "up" : "down";
}

/** "▲" / "▼" / "" */
export function arrow(change: number | null | undefined): string {
  return !change ? "" : change > 0 ? "▲" : "▼";
}

/** Flashes an element red (up) or blue (down) for 600 ms and tags it with a class. */
export function flash(el: HTMLElement | null, dir: "up" | "down"): void {
  if (!el) return;
  const cls = `flash-${dir}`;
  el.classList.remove("flash-up", "flash-down");
  el.classList.add(cls);
  el.animate?.(
    [
      { backgroundColor: dir === "up" ? "rgba(214,0,0,0.18)" : "rgba(0,81,199,0.18)" },
      { backgroundColor: "transparent" },
    ],
    { duration: 600, easing: "ease-out" },
  );
  setTimeout(() => el.classList.remove(cls), 600);
}
