import { cacheExchange } from "@urql/exchange-graphcache";
import { createClient as createSocketClient, type Client as SocketClient } from "graphql-ws";
import { Client, fetchExchange, mapExchange, subscriptionExchange } from "urql";

import { cacheOptions } from "./cache";
import { endReason, mayReconnect, SESSION_ENDED_CLOSE, type EndReason } from "./session-ended";

/** What the page needs from the GraphQL client it talks through. */
export interface Connection {
  client: Client;
  dispose: () => void;
}

function isCloseEvent(value: unknown): value is CloseEvent {
  return typeof value === "object" && value !== null && "code" in value && "reason" in value;
}

const socketUrl = (): string => `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/graphql`;

/**
 * A fresh client (cache and socket) for one signed-in period: `onSessionEnded` is called once when the
 * server closes the socket with 4403 or answers UNAUTHENTICATED.
 */
export function connect(onSessionEnded: (reason: EndReason) => void): Connection {
  let ended = false;
  const end = (reason: EndReason) => {
    if (!ended) {
      ended = true;
      onSessionEnded(reason);
    }
  };
  // The browser sends the session cookie with the handshake; the socket opens only while a subscription runs.
  const socket: SocketClient = createSocketClient({
    url: socketUrl(),
    lazy: true,
    retryAttempts: 5,
    shouldRetry: (event) => !isCloseEvent(event) || mayReconnect(event.code),
    on: {
      closed: (event) => {
        if (isCloseEvent(event) && event.code === SESSION_ENDED_CLOSE) end("UNKNOWN");
      },
    },
  });
  const client = new Client({
    url: "/graphql",
    fetchOptions: { credentials: "same-origin", headers: { accept: "application/graphql-response+json" } },
    exchanges: [
      mapExchange({
        onError(error) {
          for (const graphQLError of error.graphQLErrors) {
            const code = graphQLError.extensions.code;
            // The server names the reason in an error just before it closes the socket with 4403.
            if (code === "SESSION_ENDED") end(endReason(graphQLError.extensions));
            if (code === "UNAUTHENTICATED") end("UNKNOWN");
          }
        },
      }),
      cacheExchange(cacheOptions),
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query ?? "" };
          return {
            subscribe(sink) {
              const unsubscribe = socket.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
      fetchExchange,
    ],
  });
  return { client, dispose: () => void socket.dispose() };
}
