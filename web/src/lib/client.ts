import { cacheExchange, type UpdateResolver } from "@urql/exchange-graphcache";
import { relayPagination } from "@urql/exchange-graphcache/extras";
import { createClient as createSocketClient, type Client as SocketClient } from "graphql-ws";
import { Client, fetchExchange, mapExchange, subscriptionExchange } from "urql";

import { endedIds, withoutEnded } from "./cache-updates";
import schema from "./gql/introspection";
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

// Types without an id are embedded in their parent instead of being normalised.
const embedded = () => null;

type Cache = Parameters<UpdateResolver>[2];

/**
 * Drop what a revoke ended from the cached `Query` list `field` at once, and mark the entities stale. The
 * subscription sends the server's list soon after; this only makes this browser's own revoke instant.
 */
function dropEnded(cache: Cache, field: "activeSessions" | "apiKeys", typename: string, ended: string[]): void {
  if (ended.length === 0) return;
  const keys = cache.resolve("Query", field);
  if (Array.isArray(keys)) cache.link("Query", field, withoutEnded(keys as (string | null)[], typename, ended));
  for (const id of ended) cache.invalidate({ __typename: typename, id });
}

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
      cacheExchange({
        schema,
        keys: {
          Device: embedded,
          PageInfo: embedded,
          PasswordPolicy: embedded,
          SecurityEventConnection: embedded,
          SecurityEventEdge: embedded,
          // Payloads, not objects: what they name (session, sessions, apiKey) is normalised on its own.
          SessionRevoked: embedded,
          SessionsRevoked: embedded,
          ApiKeyRevoked: embedded,
          ApiKeyCreated: embedded,
          SignedOut: embedded,
        },
        resolvers: { Query: { securityEvents: relayPagination() } },
        updates: {
          Subscription: {
            activeSessions(result, _args, cache) {
              // The live list is the one the page shows: link it where the query reads it.
              cache.link("Query", "activeSessions", result.activeSessions as never);
            },
          },
          Mutation: {
            createApiKey(_result, _args, cache) {
              cache.invalidate("Query", "apiKeys");
            },
            revokeApiKey(result, _args, cache) {
              dropEnded(cache, "apiKeys", "ApiKey", endedIds(result.revokeApiKey, "apiKey"));
            },
            revokeSession(result, _args, cache) {
              dropEnded(cache, "activeSessions", "Session", endedIds(result.revokeSession, "session"));
            },
            revokeAllOtherSessions(result, _args, cache) {
              dropEnded(cache, "activeSessions", "Session", endedIds(result.revokeAllOtherSessions, "sessions"));
            },
          },
        },
      }),
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
