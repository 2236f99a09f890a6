/** The baseline for load benchmarks: a bare Hono hello-world on Deno.serve. */
import { Hono } from "hono";

const port = Number(Deno.args[0] ?? 8101);
const app = new Hono();
app.get("/hello", (c) => c.text("Hello, world!"));
Deno.serve({ hostname: "127.0.0.1", port, onListen: () => {} }, app.fetch);
