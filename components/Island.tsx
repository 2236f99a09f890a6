/**
 * Islands without Fresh: `<Island name="FinancialChart" props={...}>` server-renders the
 * registered island component inside a marker element
 * `<div data-island="FinancialChart" data-props="{...json...}">`, and `islands/client.ts`
 * hydrates every marker in the browser with the same component and props.
 *
 * Props must be JSON-serializable. The JSON is escaped so that it can never close the
 * attribute, a `<script>` or an HTML comment (`<`, `>`, `&`, U+2028, U+2029 become
 * `\u003c`-style escapes, which `JSON.parse` reads back unchanged).
 *
 * @module
 */
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import { type IslandName, type IslandProps, islands } from "../islands/mod.ts";

/** One browser entry module of the build and the chunks it imports statically. */
export interface ClientEntry {
  /** Public path of the entry, e.g. "/static/build/island-PriceChart-AB12CD34.js". */
  src: string;
  /** Public paths of every chunk the entry imports statically (transitively), to preload. */
  preload: string[];
}

/**
 * What the build made for the browser (the public part of static/build/manifest.json, see
 * scripts/build.ts): one entry per island, so a page loads only the islands it renders.
 */
export interface ClientAssets {
  /** Each registered island's entry, by island name. */
  islands: Record<string, ClientEntry>;
  /** Progressive enhancements (sortable tables). */
  enhance: ClientEntry;
  /** The hashed stylesheet. */
  css: string;
  /** The API reference page: Swagger UI (from swagger-ui-dist) and its start-up script. */
  docs: { script: string; css: string; init: string };
}

/**
 * What a page being rendered needs on the client. {@link Island} and sortable tables
 * record themselves here; the layout adds the `<script>` tags of just those entries.
 */
export interface ClientNeeds {
  islands: Set<string>;
  /** True when the page has progressive enhancements (e.g. sortable tables). */
  enhance: boolean;
}

/** Collects {@link ClientNeeds} during one render. `null` outside a layout. */
export const ClientNeedsContext = createContext<ClientNeeds | null>(null);

/** Marks the page as needing the progressive-enhancement script (sortable tables). */
export function useEnhancement(): void {
  const needs = useContext(ClientNeedsContext);
  if (needs) needs.enhance = true;
}

const ESCAPES: Record<string, string> = {
  "<": "\\u003c",
  ">": "\\u003e",
  "&": "\\u0026",
  "\u2028": "\\u2028",
  "\u2029": "\\u2029",
};

/**
 * JSON for embedding in HTML (attributes, script bodies): `JSON.stringify` with `<`, `>`,
 * `&`, U+2028 and U+2029 escaped as `\uXXXX`.
 *
 * @example
 * serializeProps({ name: "</script>" }); // '{"name":"\\u003c/script\\u003e"}'
 */
export function serializeProps(props: unknown): string {
  const json = JSON.stringify(props ?? {});
  return json.replace(/[<>&\u2028\u2029]/g, (ch) => ESCAPES[ch]);
}

/** Props of {@link Island}: the registry name and that island's props. */
export interface IslandWrapperProps<N extends IslandName> {
  name: N;
  props: IslandProps<N>;
  /** Extra class on the marker element. */
  class?: string;
}

/** Server-renders a registered island inside its hydration marker. */
export function Island<N extends IslandName>(
  { name, props, class: cls }: IslandWrapperProps<N>,
) {
  const needs = useContext(ClientNeedsContext);
  needs?.islands.add(name);
  // deno-lint-ignore no-explicit-any
  const Component = islands[name] as any;
  return (
    <div data-island={name} data-props={serializeProps(props)} class={cls}>
      <Component {...props} />
    </div>
  );
}
