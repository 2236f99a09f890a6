/**
 * The 404 page, for unknown paths (the app's notFound handler) and unknown companies.
 *
 * @module
 */
import type { ComponentChildren } from "preact";
import { ErrorPage } from "./ErrorPage.tsx";
import type { ShellProps } from "./Layout.tsx";

/** Props of {@link NotFound}. */
export interface NotFoundProps extends ShellProps {
  /** Heading (default "페이지를 찾을 수 없습니다"). */
  title?: string;
  /** Explanation under the heading (default: mentions `path` when given). */
  message?: ComponentChildren;
  /** The requested path, echoed back as text. */
  path?: string;
}

/** "페이지를 찾을 수 없습니다" with a search box. Send it with status 404. */
export function NotFound({ title, message, path, ...shell }: NotFoundProps) {
  return (
    <ErrorPage {...shell} status={404} title={title ?? "페이지를 찾을 수 없습니다"}>
      {message ?? (path && (
        <p>
          요청한 주소 <code>{path}</code>에 해당하는 페이지가 없습니다.
        </p>
      ))}
      <p>주소를 확인하거나 아래에서 기업을 검색해 보세요.</p>
    </ErrorPage>
  );
}
