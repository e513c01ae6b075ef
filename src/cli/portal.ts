/** `paved portal`: the self-service page over a local GitOps clone, on loopback, without any account. */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { portalHandler } from "../portal/http.js";
import { parseCommandArgs, type Command } from "./args.js";
import { CliError, type Io } from "./io.js";
import { LOCAL_FACTS_OPTIONS, LOCAL_FACTS_USAGE, localFactsReader } from "./portal-facts.js";
import { EXIT_OK, EXIT_USAGE } from "./exit.js";

export const portalCommand: Command = {
  summary: "Serve the self-service page (services, deployments, delivery metrics) from a local GitOps clone",
  usage: `Usage: paved portal --gitops DIR [--source DIR]… [--config FILE] [--port N]

Serves the page the App serves at /portal, from a local clone, on http://127.0.0.1:PORT/portal
(loopback only: there is no sign-in, so it is never reachable from another machine). The clones
are read afresh on every request. Stop it with Ctrl-C.

Options:
${LOCAL_FACTS_USAGE}
  --port N         the port (default 4000; 0 picks a free one)
  -h, --help       show this help

Exit status: 2 usage or I/O problems (not a clone, the port is taken).
`,
  async run(args: string[], io: Io): Promise<number> {
    const { values } = parseCommandArgs("portal", args, { ...LOCAL_FACTS_OPTIONS, port: { type: "string" } }, 0);
    const port = values.port === undefined ? 4000 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`paved portal: \`--port\` must be a port number, not \`${String(values.port)}\``, EXIT_USAGE);
    const read = await localFactsReader("portal", values, io);
    const handle = portalHandler({ viewerFacts: async () => ({ facts: await read() }) });
    const server = createServer((req, res) => {
      if (req.url === "/" || req.url === "") {
        res.writeHead(302, { location: "/portal" }).end();
        return;
      }
      void handle(req, res).then((done) => {
        if (!done) res.writeHead(404, { "content-type": "text/plain" }).end("not found: the portal is at /portal\n");
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", (error) => reject(new CliError(`paved portal: cannot listen on 127.0.0.1:${port}: ${error.message}`, EXIT_USAGE)));
      server.listen(port, "127.0.0.1", resolve);
    });
    io.stdout.write(`Paved portal on http://127.0.0.1:${(server.address() as AddressInfo).port}/portal (Ctrl-C to stop)\n`);
    await new Promise<void>((resolve) => {
      const stop = () => {
        portalServers.delete(stop);
        process.off("SIGINT", stop).off("SIGTERM", stop);
        server.closeAllConnections();
        server.close(() => resolve());
      };
      process.once("SIGINT", stop).once("SIGTERM", stop);
      portalServers.add(stop);
    });
    return EXIT_OK;
  },
};

/** Running portals' stop functions, so a test (or an embedding caller) can end them. */
export const portalServers = new Set<() => void>();
