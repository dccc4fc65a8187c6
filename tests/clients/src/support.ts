// What every client scenario shares: the command line, a cookie jar, the graphql-ws client configured as
// the README says, and reading SESSION_ENDED out of whatever error shape a client library hands over.
import makeFetchCookie from "fetch-cookie";
import { createClient, type Client as SocketClient } from "graphql-ws";
import { CookieJar } from "tough-cookie";
import WebSocket from "ws";

/** Close code of a socket whose session or API key ended: retrying cannot help. */
export const SESSION_ENDED_CLOSE = 4403;

/** The server under test and the account the scenario signs up, from argv and the environment. */
export interface Scenario {
  httpUrl: string;
  wsUrl: string;
  email: string;
  password: string;
  /** How long to watch for a reconnection after the sockets closed. */
  watchMs: number;
}

export function scenario(): Scenario {
  const [baseUrl, email, watchMs] = process.argv.slice(2);
  const password = process.env.CLIENT_PASSWORD;
  if (!baseUrl || !email || !watchMs || !password) {
    throw new Error("usage: SCRIPT BASE_URL EMAIL WATCH_MS, with CLIENT_PASSWORD set");
  }
  const wsUrl = `${baseUrl.replace(/^http/, "ws")}/graphql`;
  return { httpUrl: `${baseUrl}/graphql`, wsUrl, email, password, watchMs: Number(watchMs) };
}

/** A browser-like `fetch`: keeps the cookies the server sets and sends them back. */
export interface Browser {
  fetch: typeof fetch;
  jar: CookieJar;
  cookieNames(url: string): string[];
}

export function browser(): Browser {
  const jar = new CookieJar();
  return {
    fetch: makeFetchCookie(fetch, jar) as typeof fetch,
    jar,
    cookieNames: (url) => jar.getCookiesSync(url).map((cookie) => cookie.key),
  };
}

/** How a client authenticates its socket: the browser's cookie on the handshake, or a bearer token. */
export type Credential = { cookieFrom: Browser; httpUrl: string } | { token: string };

const isCloseEvent = (value: unknown): value is { code: number } =>
  typeof value === "object" && value !== null && "code" in value;

/** The socket's life as a scenario reports it: how often it connected and how it closed. */
export interface SocketLog {
  connecting: number;
  closeCodes: (number | null)[];
}

/** The reference client as the README configures it: retries network failures, never a 4403. */
export function socketClient(
  url: string,
  credential: Credential,
  { lazy = true } = {},
): { client: SocketClient; log: SocketLog } {
  const log: SocketLog = { connecting: 0, closeCodes: [] };
  // Node's `ws` sends the handshake headers a browser would: the jar's cookie as it is at each connection.
  class HandshakeSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      const cookie = "token" in credential ? undefined : credential.cookieFrom.jar.getCookieStringSync(credential.httpUrl);
      super(address, protocols, { headers: cookie ? { cookie } : {} });
    }
  }
  const client = createClient({
    url,
    lazy,
    // An eager client reports the close that ends it here; the scenario reads it from `log` instead.
    onNonLazyError: () => undefined,
    webSocketImpl: HandshakeSocket,
    connectionParams: "token" in credential ? { authorization: `Bearer ${credential.token}` } : {},
    retryAttempts: 5,
    shouldRetry: (event) => !(isCloseEvent(event) && event.code === SESSION_ENDED_CLOSE),
    on: {
      connecting: () => {
        log.connecting += 1;
      },
      closed: (event) => {
        log.closeCodes.push(isCloseEvent(event) ? event.code : null);
      },
    },
  });
  return { client, log };
}

/** The `extensions` of a GraphQL error, found in whatever wrapper a client library uses. */
export interface Ended {
  code: unknown;
  reason: unknown;
  message: unknown;
}

export function endedFrom(errors: readonly { message: string; extensions?: Record<string, unknown> }[]): Ended[] {
  return errors.map((error) => ({
    code: error.extensions?.code,
    reason: error.extensions?.reason,
    message: error.message,
  }));
}

/** Resolves once `predicate` holds, checking every 20 ms; rejects after `ms` with `what`. */
export async function until(predicate: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The scenario's one output line: pytest asserts on it. */
export function report(observations: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(observations)}\n`);
}

/** Run a scenario; any failure is printed on stderr and exits non-zero. */
export function run(main: () => Promise<Record<string, unknown>>): void {
  main().then(
    (observations) => {
      report(observations);
      process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
