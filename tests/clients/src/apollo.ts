// Apollo Client 4 (HttpLink + GraphQLWsLink, InMemoryCache with the generated possibleTypes) through the
// README's recipe: the subscription writes the list, a revoke evicts what its payload names and collects.
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, type PossibleTypesMap } from "@apollo/client";
import { GraphQLWsLink } from "@apollo/client/link/subscriptions";
import { getMainDefinition } from "@apollo/client/utilities";
import { Kind, OperationTypeNode } from "graphql";
import WebSocket from "ws";

import { playDevices, type Devices, type Followed } from "./devices.js";
import {
  ActiveSessionsDocument,
  LiveSessionsDocument,
  RevokeSessionDocument,
  SignInDocument,
  SignUpDocument,
  type LiveSessionsSubscription,
} from "./gql/graphql.js";
import introspection from "./gql/possible-types.js";
import { endedFrom, scenario, socketClient, type Credential, type Ended } from "./support.js";

const { httpUrl, wsUrl } = scenario();
// GraphQLWsLink reads the global `WebSocket` on every error it relays (browsers and Node 22+ have one); on
// Node 20 that throws, graphql-ws takes it for a broken socket and reconnects, and SESSION_ENDED is lost.
(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;

const isSubscription = ({ query }: ApolloLink.Operation) => {
  const definition = getMainDefinition(query);
  return definition.kind === Kind.OPERATION_DEFINITION && definition.operation === OperationTypeNode.SUBSCRIPTION;
};

function apollo(credential: Credential | null, possibleTypes: PossibleTypesMap = introspection.possibleTypes) {
  const socket = credential ? socketClient(wsUrl, credential) : null;
  const http = new HttpLink({
    uri: httpUrl,
    fetch: credential && "cookieFrom" in credential ? credential.cookieFrom.fetch : fetch,
    headers: credential && "token" in credential ? { authorization: `Bearer ${credential.token}` } : {},
  });
  const link = socket ? ApolloLink.split(isSubscription, new GraphQLWsLink(socket.client), http) : http;
  return { client: new ApolloClient({ link, cache: new InMemoryCache({ possibleTypes }) }), log: socket?.log };
}

function endedOf(error: unknown): Ended[] {
  if (error instanceof Error && "errors" in error && Array.isArray(error.errors)) return endedFrom(error.errors);
  return [{ code: null, reason: null, message: String(error) }];
}

const devices: Devices = (credential) => {
  const { client, log } = apollo(credential && ("cookies" in credential ? { cookieFrom: credential.cookies, httpUrl } : credential));
  return {
    log,
    signUp: async (input) =>
      (await client.mutate({ mutation: SignUpDocument, variables: { input: { ...input, client: "WEB" } } })).data!.signUp,
    signIn: async (input) =>
      (await client.mutate({ mutation: SignInDocument, variables: { input: { ...input, client: "MOBILE" } } })).data!.signIn,
    loadSessions: async () => {
      await client.query({ query: ActiveSessionsDocument });
    },
    follow() {
      const seen: Followed = { lists: [], ended: [] };
      client.subscribe({ query: LiveSessionsDocument }).subscribe({
        next: ({ data, error }) => {
          if (error) seen.ended.push(...endedOf(error));
          if (!data) return;
          client.cache.writeQuery({ query: ActiveSessionsDocument, data: data as LiveSessionsSubscription });
          seen.lists.push(data.activeSessions.map((session) => session.id));
        },
        error: (error: unknown) => seen.ended.push(...endedOf(error)),
      });
      return seen;
    },
    async revoke(id) {
      const { data } = await client.mutate({
        mutation: RevokeSessionDocument,
        variables: { id },
        update(cache, { data }) {
          if (data?.revokeSession.__typename !== "SessionRevoked") return;
          cache.evict({ id: cache.identify(data.revokeSession.session) });
          cache.gc();
        },
      });
      return data?.revokeSession ?? null;
    },
    probe(id) {
      const normalised = client.cache.extract() as Record<string, unknown>;
      return {
        list: client.readQuery({ query: ActiveSessionsDocument })?.activeSessions.map((session) => session.id) ?? null,
        session: normalised[client.cache.identify({ __typename: "Session", id }) ?? ""] ?? null,
      };
    },
  };
};

playDevices(devices, async (tablet) => {
  // The same document through a cache without possibleTypes: `... on Error` cannot match.
  const blind = apollo({ token: tablet }, {});
  const { data } = await blind.client.mutate({ mutation: RevokeSessionDocument, variables: { id: "not-a-session" } });
  return { withoutPossibleTypes: data?.revokeSession ?? null };
});
