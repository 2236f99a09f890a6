/**
 * The browser side of islands, shared by every island entry. scripts/build.ts makes one
 * entry module per registered island (`hydrateIsland("PriceChart", PriceChart)`) and one for
 * the progressive enhancements (islands/sortable.ts, without preact); esbuild splits what they share (preact, this
 * module) into common chunks, so a page downloads only the islands it renders and a page with
 * no chart loads no chart code.
 *
 * @module
 */
import { type ComponentType, h, hydrate } from "preact";

/**
 * Hydrates every `[data-island="<name>"]` marker under `root` with `Component` and the
 * marker's JSON props (`data-props`, written by components/Island.tsx).
 */
export function hydrateIsland(
  name: string,
  // deno-lint-ignore no-explicit-any
  Component: ComponentType<any>,
  root: ParentNode = document,
): void {
  for (const el of root.querySelectorAll<HTMLElement>(`[data-island="${name}"]`)) {
    try {
      const props = JSON.parse(el.dataset.props || "{}");
      hydrate(h(Component, props), el);
    } catch (err) {
      // deno-lint-ignore no-console
      console.error(`kdesk: island "${name}" failed to hydrate`, err);
    }
  }
}
