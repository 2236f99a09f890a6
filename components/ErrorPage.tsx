/**
 * A generic error page in Korean (400, 500 …) with a search box so a visitor can go on.
 * The 404 variant is `NotFound` in NotFound.tsx.
 *
 * @module
 */
import type { ComponentChildren } from "preact";
import { Layout, type ShellProps } from "./Layout.tsx";
import { SearchForm } from "./SearchForm.tsx";

/** Props of {@link ErrorPage}. */
export interface ErrorPageProps extends ShellProps {
  status: number;
  title: string;
  children?: ComponentChildren;
}

/** A full error page with the status, a message and a search box. */
export function ErrorPage({ status, title, children, ...shell }: ErrorPageProps) {
  return (
    <Layout {...shell} title={`${status} ${title}`}>
      <section class="error-page">
        <p class="error-status">{status}</p>
        <h1>{title}</h1>
        {children && <div class="error-message">{children}</div>}
        <SearchForm />
        <p>
          <a href="/">홈으로</a>
        </p>
      </section>
    </Layout>
  );
}
