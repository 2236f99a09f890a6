/**
 * The members of a `document.xml` ZIP (`research/dart_documents.md` §1.1–§1.2), by name:
 * `{rcept_no}.xml` is the filing body, `{rcept_no}_{5 digits}.xml` an attachment (`_00760`
 * 감사보고서, `_00761` 연결감사보고서). Member order is not stable and 2015–2016 ZIPs prefix
 * names with `/`, so members are matched on their basename. A `[첨부정정]` ZIP may hold no body.
 *
 * Unzipping, the `PK` check and DART's XML status bodies (`014` …) are the existing
 * {@linkcode parseDocumentZip}'s job; its decoding tries UTF-8 strictly, then EUC-KR (WHATWG
 * `euc-kr` = CP949) strictly, then the first with replacement characters. The XML declaration
 * is not trusted (cp949 bytes under `encoding="utf-8"` are common), so this module also reports
 * whether a member needed replacement characters (`lossy`).
 *
 * @module
 */
import { parseDocumentZip } from "../parse.ts";

/** One member of the ZIP, decoded. */
export interface DocumentMember {
  /** Name as stored in the ZIP. */
  name: string;
  /** Name without directories or a leading `/`. */
  basename: string;
  kind: "main" | "attachment" | "other";
  /** The 5-digit attachment code of `{rcept_no}_{code}.xml`, else null. */
  attachmentCode: string | null;
  /** The 14-digit receipt number the name carries, else null. */
  rceptNo: string | null;
  text: string;
  /** The encoding that decoded the bytes (`euc-kr` = CP949). */
  encoding: "utf-8" | "euc-kr";
  /** Neither encoding decoded the bytes cleanly: the text holds U+FFFD replacements. */
  lossy: boolean;
}

/** A `document.xml` ZIP by member. */
export interface DocumentZip {
  members: DocumentMember[];
  /** The body (`{rcept_no}.xml`), or null (e.g. a `[첨부정정]` ZIP of attachments only). */
  main: DocumentMember | null;
  attachments: DocumentMember[];
}

const MAIN_RE = /^(\d{14})\.xml$/i;
const ATTACH_RE = /^(\d{14})_(\d{5})\.xml$/i;

/**
 * Reads a `document.xml` answer. `rcept_no`, when given, picks the body by name; otherwise the
 * body is the one `{14 digits}.xml` member. Throws the typed DART errors of
 * {@linkcode parseDocumentZip} for status bodies and corrupt ZIPs.
 */
export async function readDocumentZip(
  bytes: Uint8Array,
  rcept_no?: string,
): Promise<DocumentZip> {
  const files = await parseDocumentZip(bytes);
  const members: DocumentMember[] = files.map((f) => {
    const basename = f.name.replace(/\\/g, "/").split("/").filter((p) => p !== "").pop() ?? f.name;
    const main = MAIN_RE.exec(basename);
    const att = ATTACH_RE.exec(basename);
    return {
      name: f.name,
      basename,
      kind: main ? "main" : att ? "attachment" : "other",
      attachmentCode: att ? att[2] : null,
      rceptNo: main?.[1] ?? att?.[1] ?? null,
      text: f.text,
      encoding: f.encoding,
      lossy: f.text.includes("\uFFFD"),
    };
  });
  const mains = members.filter((m) => m.kind === "main");
  const main = (rcept_no ? mains.find((m) => m.rceptNo === rcept_no) : undefined) ??
    (mains.length === 1 ? mains[0] : null);
  return { members, main, attachments: members.filter((m) => m.kind === "attachment") };
}
