// The reference graphql-ws client, configured as the README says, subscribed until its session ends.
// Usage: node session_ended_client.cjs WS_URL TOKEN WATCH_MS lazy|eager. Prints one JSON line per event;
// after the socket closes it watches WATCH_MS for a reconnection, then prints "done" and exits. An eager
// (lazy: false) client keeps its connection without subscriptions, so only shouldRetry stops its retries.
const { createClient } = require("graphql-ws");
const WebSocket = require("ws");

const [url, token, watchMs, mode] = process.argv.slice(2);
const SESSION_ENDED_CLOSE = 4403;
const print = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);
const isCloseEvent = (value) => typeof value === "object" && value !== null && "code" in value;

const client = createClient({
  url,
  webSocketImpl: WebSocket,
  lazy: mode !== "eager",
  connectionParams: { authorization: `Bearer ${token}` },
  retryAttempts: 5,
  // Close code 4403 means the session ended: retrying cannot help, so do not.
  shouldRetry: (event) => !(isCloseEvent(event) && event.code === SESSION_ENDED_CLOSE),
  on: {
    connecting: () => print({ event: "connecting" }),
    connected: () => print({ event: "connected" }),
    closed: (event) => {
      print({ event: "closed", code: isCloseEvent(event) ? event.code : null });
      setTimeout(() => {
        print({ event: "done" });
        void client.dispose();
        process.exit(0);
      }, Number(watchMs));
    },
  },
});

client.subscribe(
  { query: "subscription { activeSessions { id } }" },
  {
    next: () => print({ event: "next" }),
    error: (errors) => print({ event: "error", errors: Array.isArray(errors) ? errors : [String(errors)] }),
    complete: () => print({ event: "complete" }),
  },
);
