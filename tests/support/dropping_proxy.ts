/**
 * Test support: a TCP proxy on 127.0.0.1 port 0 that forwards to a local server and, once it has
 * passed `dropAfterBytes` bytes from clients to the server (counted over all connections), cuts
 * every connection open at that moment — a Wi-Fi drop in the middle of an upload. After the cut
 * it forwards normally again, so a client can reconnect and resume.
 * @module
 */

/** A running proxy. */
export interface DroppingProxy {
  port: number;
  /** Resolves when the cut happened. */
  dropped: Promise<void>;
  /** Arms another cut after `bytes` more client bytes. */
  dropAgainAfter(bytes: number): void;
  close(): Promise<void>;
}

const PIECE_BYTES = 64 * 1024;

/** Starts a proxy to `targetPort` that cuts connections after `dropAfterBytes` client bytes. */
export function startDroppingProxy(targetPort: number, dropAfterBytes: number): DroppingProxy {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const open = new Set<Deno.Conn>();
  const tasks = new Set<Promise<void>>();
  let budget = dropAfterBytes;
  let onDrop!: () => void;
  let dropped = new Promise<void>((r) => onDrop = r);
  const cutAll = () => {
    budget = Infinity;
    for (const c of open) {
      try {
        c.close();
      } catch {
        // already closed
      }
    }
    open.clear();
    onDrop();
  };
  const pump = async (from: Deno.Conn, to: Deno.Conn, counted: boolean) => {
    const buf = new Uint8Array(PIECE_BYTES);
    try {
      for (;;) {
        const want = counted ? Math.min(buf.length, Math.max(1, budget)) : buf.length;
        const n = await from.read(buf.subarray(0, want));
        if (n === null) break;
        let at = 0;
        while (at < n) at += await to.write(buf.subarray(at, n));
        if (counted) {
          budget -= n;
          if (budget <= 0) return cutAll();
        }
      }
      await to.closeWrite().catch(() => {});
    } catch {
      // a side went away (or we cut it)
    }
  };
  const serve = async (client: Deno.Conn) => {
    const server = await Deno.connect({ hostname: "127.0.0.1", port: targetPort });
    open.add(client);
    open.add(server);
    await Promise.all([pump(client, server, true), pump(server, client, false)]);
    for (const c of [client, server]) {
      open.delete(c);
      try {
        c.close();
      } catch {
        // already closed
      }
    }
  };
  const accepting = (async () => {
    for await (const conn of listener) {
      const task = serve(conn).catch(() => {});
      tasks.add(task);
      task.finally(() => tasks.delete(task));
    }
  })().catch(() => {});
  return {
    port: (listener.addr as Deno.NetAddr).port,
    get dropped() {
      return dropped;
    },
    dropAgainAfter(bytes: number) {
      budget = bytes;
      dropped = new Promise<void>((r) => onDrop = r);
    },
    async close() {
      listener.close();
      for (const c of open) {
        try {
          c.close();
        } catch {
          // already closed
        }
      }
      await accepting;
      await Promise.all([...tasks]);
    },
  };
}
