import { type CacheExchangeOpts, type UpdateResolver } from "@urql/exchange-graphcache";
import { relayPagination } from "@urql/exchange-graphcache/extras";

import { endedIds, withoutEnded } from "./cache-updates";
import schema from "./gql/introspection";

// Types without an id are embedded in their parent instead of being normalised.
const embedded = () => null;

type Cache = Parameters<UpdateResolver>[2];

/**
 * Drop what a revoke ended from the cached `Query` list `field` at once, and mark the entities stale. The
 * subscription sends the server's list soon after; this only makes this browser's own revoke instant.
 */
function dropEnded(cache: Cache, field: "activeSessions" | "apiKeys" | "knownDevices", typename: string, ended: string[]): void {
  if (ended.length === 0) return;
  const keys = cache.resolve("Query", field);
  if (Array.isArray(keys)) cache.link("Query", field, withoutEnded(keys as (string | null)[], typename, ended));
  for (const id of ended) cache.invalidate({ __typename: typename, id });
}

/** How the page's Graphcache normalises: keys, the paginated log, and what each change does to cached lists. */
export const cacheOptions: CacheExchangeOpts = {
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
    DeviceForgotten: embedded,
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
      forgetDevice(result, _args, cache) {
        dropEnded(cache, "knownDevices", "KnownDevice", endedIds(result.forgetDevice, "knownDevice"));
      },
      revokeSession(result, _args, cache) {
        dropEnded(cache, "activeSessions", "Session", endedIds(result.revokeSession, "session"));
      },
      revokeAllOtherSessions(result, _args, cache) {
        dropEnded(cache, "activeSessions", "Session", endedIds(result.revokeAllOtherSessions, "sessions"));
      },
    },
  },
};
