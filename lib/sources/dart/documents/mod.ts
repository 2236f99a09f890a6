/**
 * DART filing documents (`document.xml`): the ZIP reader, markup repair, the typed document
 * tree with table grids, the IPO table mappers and their fact record, and the DSD writer used
 * for fixtures and the sample dataset. Self-contained: nothing here is wired into jobs or
 * routes yet.
 *
 * @module
 */
export * from "./values.ts";
export * from "./repair.ts";
export * from "./tree.ts";
export * from "./zip.ts";
export * from "./facts.ts";
export * from "./context.ts";
export * from "./mappers.ts";
export * from "./ipo.ts";
export * from "./writer.ts";
export * from "./ipo_template.ts";
