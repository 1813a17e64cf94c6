/**
 * wireserve's entry point: parse the command line, start the server, stop on a signal.
 * The only place that calls Deno.exit.
 * @module
 */

import { parseCli } from "./src/cli.ts";
import { appConfig } from "./src/app/app_config.ts";
import { createApp } from "./src/app/routes.ts";
import { HttpServer } from "./src/http/server.ts";

/** Runs wireserve with `args`; resolves to the process exit code. */
export async function main(args: string[]): Promise<number> {
  const cli = parseCli(args, Deno.env.toObject());
  if (cli.kind === "help" || cli.kind === "version") {
    console.log(cli.text.trimEnd());
    return 0;
  }
  if (cli.kind === "error") {
    console.error(`wireserve: ${cli.message}`);
    return 2;
  }
  const { config } = cli;
  let server: HttpServer;
  try {
    server = new HttpServer({
      hostname: config.hostname,
      port: config.port,
      handler: createApp(appConfig({ directory: config.directory })),
    });
  } catch (err) {
    console.error(
      `wireserve: cannot listen on ${config.hostname}:${config.port}: ${(err as Error).message}`,
    );
    return 1;
  }
  console.log(`wireserve listening on http://${server.addr.hostname}:${server.addr.port}/`);
  let signals = 0;
  const stop = () => {
    signals++;
    if (signals > 1) Deno.exit(1); // a second signal forces the exit
    server.shutdown().catch(() => {});
  };
  Deno.addSignalListener("SIGINT", stop);
  if (Deno.build.os !== "windows") Deno.addSignalListener("SIGTERM", stop);
  await server.finished;
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
