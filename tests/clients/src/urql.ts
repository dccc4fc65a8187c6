// urql (@urql/core 6 with Graphcache and graphql-ws) through the README's recipe: the generated
// possibleTypes, payloads embedded, revokes invalidate what they name, the subscription sets the list.
import { Client, fetchExchange, subscriptionExchange, type CombinedError } from "@urql/core";
import { cacheExchange, type CacheExchangeOpts, type UpdateResolver } from "@urql/exchange-graphcache";
import { pipe, subscribe } from "wonka";

import { playDevices, type Devices, type Followed } from "./devices.js";
import {
  ActiveSessionsDocument,
  CachedSessionDocument,
  LiveSessionsDocument,
  RevokeSessionDocument,
  SignInDocument,
  SignUpDocument,
} from "./gql/graphql.js";
import introspection from "./gql/possible-types.js";
import { endedFrom, scenario, socketClient, type Credential, type Ended } from "./support.js";

const { httpUrl, wsUrl } = scenario();
const embedded = () => null;

/** The subscription is the source of truth: each list it sends becomes the cached `activeSessions`. */
const writeLiveList: UpdateResolver = (result, _args, cache) => {
  cache.link("Query", "activeSessions", result.activeSessions as never);
};

/** A revoke drops what it ended from the cached list at once and invalidates the entity. */
const dropRevoked: UpdateResolver = (result, _args, cache) => {
  const payload = result.revokeSession as { __typename: string; session?: { id: string } };
  if (payload.__typename !== "SessionRevoked" || !payload.session) return;
  const ended = cache.keyOfEntity({ __typename: "Session", id: payload.session.id });
  const list = cache.resolve("Query", "activeSessions");
  if (Array.isArray(list)) cache.link("Query", "activeSessions", list.filter((key) => key !== ended) as never);
  cache.invalidate({ __typename: "Session", id: payload.session.id });
};

const cacheOptions: CacheExchangeOpts = {
  possibleTypes: introspection.possibleTypes,
  keys: { Device: embedded, SessionRevoked: embedded, SessionsRevoked: embedded },
  // Looks a session up in the cache by its id: the scenario's window on the normalised store.
  resolvers: { Query: { node: (_parent, args, cache) => cache.keyOfEntity({ __typename: "Session", id: args.id as string }) } },
  updates: { Subscription: { activeSessions: writeLiveList }, Mutation: { revokeSession: dropRevoked } },
};

function urql(credential: Credential | null) {
  const socket = credential ? socketClient(wsUrl, credential) : null;
  const headers: Record<string, string> = credential && "token" in credential ? { authorization: `Bearer ${credential.token}` } : {};
  const forward = subscriptionExchange({
    forwardSubscription: (request) => ({
      subscribe: (sink) => ({ unsubscribe: socket!.client.subscribe({ ...request, query: request.query ?? "" }, sink) }),
    }),
  });
  const client = new Client({
    url: httpUrl,
    fetch: credential && "cookieFrom" in credential ? credential.cookieFrom.fetch : fetch,
    fetchOptions: () => ({ headers }),
    exchanges: [cacheExchange(cacheOptions), fetchExchange, ...(socket ? [forward] : [])],
  });
  return { client, log: socket?.log };
}

function endedOf(error: CombinedError): Ended[] {
  if (error.graphQLErrors.length > 0) return endedFrom(error.graphQLErrors);
  return [{ code: null, reason: null, message: error.message }];
}

const devices: Devices = (credential) => {
  const { client, log } = urql(credential && ("cookies" in credential ? { cookieFrom: credential.cookies, httpUrl } : credential));
  return {
    log,
    signUp: async (input) =>
      (await client.mutation(SignUpDocument, { input: { ...input, client: "WEB" } }).toPromise()).data!.signUp,
    signIn: async (input) =>
      (await client.mutation(SignInDocument, { input: { ...input, client: "MOBILE" } }).toPromise()).data!.signIn,
    loadSessions: async () => {
      await client.query(ActiveSessionsDocument, {}).toPromise();
    },
    follow() {
      const seen: Followed = { lists: [], ended: [] };
      pipe(
        client.subscription(LiveSessionsDocument, {}),
        subscribe((result) => {
          if (result.error) seen.ended.push(...endedOf(result.error));
          else if (result.data) seen.lists.push(result.data.activeSessions.map((session) => session.id));
        }),
      );
      return seen;
    },
    // Graphcache reads the payload back through the cache, where the updater already invalidated the session.
    revoke: async (id) => (await client.mutation(RevokeSessionDocument, { id }).toPromise()).data?.revokeSession ?? null,
    probe: (id) => ({
      list: client.readQuery(ActiveSessionsDocument, {})?.data?.activeSessions.map((session) => session.id) ?? null,
      session: client.readQuery(CachedSessionDocument, { id })?.data?.node ?? null,
    }),
  };
};

playDevices(devices, async () => ({}));
