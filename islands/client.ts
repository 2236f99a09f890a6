/**
 * The browser entry (bundled by scripts/build.ts into one hashed file): hydrates every
 * `[data-island]` marker with the registered component and its JSON props, then applies
 * progressive enhancements such as sortable tables.
 *
 * @module
 */
import { h, hydrate } from "preact";
import { type IslandName, islands } from "./mod.ts";
import { enhanceSortableTables } from "./sortable.ts";

function hydrateIslands(root: ParentNode): void {
  for (const el of root.querySelectorAll<HTMLElement>("[data-island]")) {
    const name = el.dataset.island as IslandName;
    const Component = islands[name];
    if (!Component) {
      // deno-lint-ignore no-console
      console.warn(`kdesk: unknown island "${name}"`);
      continue;
    }
    try {
      const props = JSON.parse(el.dataset.props || "{}");
      // deno-lint-ignore no-explicit-any
      hydrate(h(Component as any, props), el);
    } catch (err) {
      // deno-lint-ignore no-console
      console.error(`kdesk: island "${name}" failed to hydrate`, err);
    }
  }
}

hydrateIslands(document);
enhanceSortableTables(document);
