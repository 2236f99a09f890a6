/**
 * The island registry: name -> component. `components/Island.tsx` renders from it on the
 * server and `islands/client.ts` hydrates from it in the browser, so a name always means
 * the same component on both sides. Add new islands here.
 *
 * @module
 */
import type { ComponentProps } from "preact";
import { FinancialChart } from "./FinancialChart.tsx";
import { LivePrice } from "./LivePrice.tsx";
import { OrderBook } from "./OrderBook.tsx";
import { PriceChart } from "./PriceChart.tsx";
import { SearchBox } from "./SearchBox.tsx";
import { SessionBadge } from "./SessionBadge.tsx";
import { Watchlist } from "./Watchlist.tsx";

/** Every hydratable component, by the name used in `data-island`. */
export const islands = {
  FinancialChart,
  LivePrice,
  OrderBook,
  PriceChart,
  SearchBox,
  SessionBadge,
  Watchlist,
} as const;

/** A registered island name. */
export type IslandName = keyof typeof islands;

/** The props of the island registered as `N`. */
export type IslandProps<N extends IslandName> = ComponentProps<(typeof islands)[N]>;
