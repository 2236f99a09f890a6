/**
 * The 기업개황 card of a company page.
 *
 * @module
 */
import { type ComponentChildren, Fragment } from "preact";
import type { Profile } from "../lib/etl/schemas.ts";
import { EMPTY, formatDate } from "../lib/format.ts";

/** Only http(s) homepages become links; anything else is shown as text. */
function homepageHref(url: string | null): string | null {
  if (!url) return null;
  const withScheme = /^https?:\/\//i.test(url)
    ? url
    : /^[\w.-]+\.[a-z]{2,}/i.test(url)
    ? `http://${url}`
    : null;
  if (!withScheme) return null;
  try {
    const u = new URL(withScheme);
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
  } catch {
    return null;
  }
}

/** 결산월 "12" -> "12월". */
function fiscalMonth(accMt: string | null): string {
  if (!accMt) return EMPTY;
  const n = Number(accMt);
  return Number.isInteger(n) && n >= 1 && n <= 12 ? `${n}월` : accMt;
}

/** Profile fields as a definition list. */
export function ProfileCard({ profile }: { profile: Profile }) {
  const href = homepageHref(profile.hm_url);
  const rows: [string, ComponentChildren][] = [
    ["영문명", profile.corp_name_eng ?? EMPTY],
    ["시장", profile.market || EMPTY],
    [
      "종목코드",
      profile.stock_code ? <span key="s" class="mono">{profile.stock_code}</span> : EMPTY,
    ],
    ["고유번호", <span key="c" class="mono">{profile.corp_code}</span>],
    ["대표자", profile.ceo_nm ?? EMPTY],
    ["설립일", formatDate(profile.est_dt)],
    ["결산월", fiscalMonth(profile.acc_mt)],
    [
      "홈페이지",
      href
        ? (
          <a key="h" href={href} target="_blank" rel="noopener noreferrer nofollow">
            {profile.hm_url}
          </a>
        )
        : (profile.hm_url ?? EMPTY),
    ],
    ["주소", profile.adres ?? EMPTY],
  ];
  return (
    <section class="card profile-card" aria-labelledby="profile-h">
      <h2 id="profile-h">기업개황</h2>
      <dl class="kv">
        {rows.map(([k, v]) => (
          <Fragment key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </Fragment>
        ))}
      </dl>
    </section>
  );
}
