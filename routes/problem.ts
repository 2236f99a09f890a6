/**
 * RFC 9457 problem details: every API error is `application/problem+json` with a clear
 * message. Messages pass through the secret masker.
 *
 * @module
 */
import { z } from "zod";
import { maskSecrets } from "../lib/log.ts";

export const Problem = z.object({
  type: z.string().describe("A URI reference naming the problem type"),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
}).meta({ id: "Problem" });
export type Problem = z.infer<typeof Problem>;

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
};

/** Builds a problem+json response; every field (detail, instance, errors) is masked. */
export function problem(
  status: number,
  detail: string,
  extra: { instance?: string; errors?: Problem["errors"]; type?: string } = {},
): Response {
  const body: Problem = {
    type: extra.type ?? "about:blank",
    title: TITLES[status] ?? "Error",
    status,
    detail: maskSecrets(detail),
    ...(extra.instance ? { instance: extra.instance } : {}),
    ...(extra.errors ? { errors: extra.errors } : {}),
  };
  return new Response(maskSecrets(JSON.stringify(body)), {
    status,
    headers: {
      "content-type": "application/problem+json; charset=utf-8",
      "x-content-type-options": "nosniff",
    },
  });
}

/** Turns zod issues into a problem's `errors` and a one-line detail. */
export function zodProblem(error: z.ZodError, instance?: string): Response {
  const errors = error.issues.map((i) => ({
    path: i.path.join(".") || "(root)",
    message: i.message,
  }));
  const detail = errors.map((e) => `${e.path}: ${e.message}`).join("; ");
  return problem(400, `Invalid request: ${detail}`, { instance, errors });
}
