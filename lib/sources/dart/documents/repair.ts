/**
 * Text repairs a DART document needs before any markup parser sees it
 * (`research/dart_documents.md` §1.4): the undefined entity `&cr;` (a line break, in most
 * documents), bare `&` (`R&D`), bare `<` in prose (`<당기말>`, `<CP>`) and broken attribute
 * quoting (`ENG=""Maximum…"`). Each repair is counted, so a document's data-quality record
 * can say what was changed. Pure.
 *
 * @module
 */

/** How many times each repair was applied. */
export interface RepairCounts {
  /** `&cr;` → line break. */
  cr_entity: number;
  /** `&` not starting an entity → `&amp;`. */
  bare_amp: number;
  /** `<` not starting a known tag → `&lt;`. */
  bare_lt: number;
  /** `A=""text"` → `A="text"`. */
  attr_quote: number;
}

/**
 * The DSD vocabulary (the 41 tags measured on real filings plus those the schema's generated
 * classes declare) and the HTML tags of the few filings DART stores as HTML. A `<` followed by
 * anything else is text.
 */
// deno-fmt-ignore
const TAGS = [
  // DSD (dart3.xsd / dart4.xsd)
  "A", "APPENDIX", "BODY", "CAUTION", "COL", "COLGROUP", "COMMENT", "COMPANY-NAME", "CORRECTION",
  "COVER", "COVER-TITLE", "DESCRIPTION", "DOCUMENT", "DOCUMENT-HEADER", "DOCUMENT-NAME",
  "EMPHASIS", "EXTRACTION", "FILENAME", "FORMULA-VERSION", "IMAGE", "IMG", "IMG-CAPTION",
  "INSERTION", "LIBRARY", "LIBRARYLIST", "NOTE", "P", "PART", "PGBRK", "SECTION-1", "SECTION-2",
  "SECTION-3", "SECTION-4", "SECTION-5", "SECTION-6", "SECTION-7", "SPAN", "SUBTITLE", "SUMMARY",
  "TABLE", "TABLE-GROUP", "TBODY", "TD", "TE", "TFOOT", "TH", "THEAD", "TITLE", "TOC", "TR", "TU",
  "WARNING",
  // HTML-format filings
  "HTML", "HEAD", "META", "TITLE", "BODY", "BR", "DIV", "FONT", "B", "I", "U", "STRONG", "CENTER",
  "LINK", "STYLE", "SCRIPT", "HR", "UL", "OL", "LI", "H1", "H2", "H3", "H4", "H5", "H6", "PRE",
  "SUP", "SUB", "CAPTION",
];
const TAG_ALT = [...new Set(TAGS)].sort((a, b) => b.length - a.length).map((t) =>
  t.replace(/-/g, "\\-")
).join("|");
/** `<` that does not open or close a known tag, a comment, a declaration or CDATA. */
const BARE_LT = new RegExp(
  `<(?!(?:/?(?:${TAG_ALT})(?=[\\s/>]))|!--|!\\[CDATA\\[|\\?|!DOCTYPE)`,
  "gi",
);
/** `&` that does not start a character or named reference. */
const BARE_AMP = /&(?!#\d{1,7};|#x[0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)/g;
/** `ATTR=""text"` (an attribute value opened twice). */
const BROKEN_ATTR = /(\s[A-Za-z][\w-]*)=""([^"\s>][^"]*)"/g;

/** Applies every repair; returns the repaired text and the counts. */
export function repairMarkup(text: string): { text: string; repairs: RepairCounts } {
  const repairs: RepairCounts = { cr_entity: 0, bare_amp: 0, bare_lt: 0, attr_quote: 0 };
  let t = text.replace(/&cr;/gi, () => {
    repairs.cr_entity++;
    return "&#10;";
  });
  t = t.replace(BROKEN_ATTR, (_m, name: string, value: string) => {
    repairs.attr_quote++;
    return `${name}="${value}"`;
  });
  t = t.replace(BARE_AMP, () => {
    repairs.bare_amp++;
    return "&amp;";
  });
  t = t.replace(BARE_LT, () => {
    repairs.bare_lt++;
    return "&lt;";
  });
  return { text: t, repairs };
}

/** The sum of all repair counts. */
export const repairTotal = (r: RepairCounts): number =>
  r.cr_entity + r.bare_amp + r.bare_lt + r.attr_quote;
