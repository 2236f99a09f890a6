/** Test helper: a fresh in-memory KV per test, closed afterwards. */
export async function withKv(fn: (kv: Deno.Kv) => Promise<void>): Promise<void> {
  const kv = await Deno.openKv(":memory:");
  try {
    await fn(kv);
  } finally {
    kv.close();
  }
}

/**
 * A view of `kv` whose every `atomic()` is handed to `wrap` first (to watch or change its
 * calls and commit: simulated crashes, another worker's write in between). Everything else
 * passes through.
 */
export function wrapAtomics(
  kv: Deno.Kv,
  wrap: (op: Deno.AtomicOperation, kv: Deno.Kv) => Deno.AtomicOperation,
): Deno.Kv {
  return new Proxy(kv, {
    get(target, prop) {
      if (prop === "atomic") return () => wrap(target.atomic(), target);
      const v = Reflect.get(target, prop, target);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

/** The atomic-operation calls {@linkcode crashingKv} looks at. */
export type AtomicCall = "set" | "delete" | "enqueue" | "sum";

/**
 * A view of `kv` whose `n`-th commit of an atomic that `marks` (one of its set / delete /
 * enqueue / sum calls matches) throws "simulated crash" without committing, as a process
 * killed at that commit would stop.
 */
export function crashingKv(
  kv: Deno.Kv,
  n: number,
  marks: (call: AtomicCall, key: Deno.KvKey | null) => boolean,
): Deno.Kv {
  let seen = 0;
  return wrapAtomics(kv, (op) => {
    let marked = false;
    const calls = op as unknown as Record<AtomicCall, (...a: unknown[]) => Deno.AtomicOperation>;
    for (const call of ["set", "delete", "sum", "enqueue"] as const) {
      const f = calls[call].bind(op);
      calls[call] = (...a: unknown[]) => {
        if (marks(call, call === "enqueue" ? null : a[0] as Deno.KvKey)) marked = true;
        return f(...a);
      };
    }
    const commit = op.commit.bind(op);
    op.commit = async () => {
      if (marked && ++seen === n) throw new Error("simulated crash");
      return await commit();
    };
    return op;
  });
}
