// Apollo Client 4 (HttpLink + GraphQLWsLink, InMemoryCache with the generated possibleTypes) through the
// README's recipe: a browser-style laptop (cookie) and two mobile-style devices (bearer). Prints what it saw.
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, type PossibleTypesMap } from "@apollo/client";
import { GraphQLWsLink } from "@apollo/client/link/subscriptions";
import { getMainDefinition } from "@apollo/client/utilities";
import { Kind, OperationTypeNode } from "graphql";
import WebSocket from "ws";

import {
  ActiveSessionsDocument,
  LiveSessionsDocument,
  RevokeSessionDocument,
  SignInDocument,
  SignUpDocument,
  type LiveSessionsSubscription,
  type RevokeSessionMutation,
} from "./gql/graphql.js";
import introspection from "./gql/possible-types.js";
import { browser, endedFrom, run, scenario, sleep, socketClient, until, type Credential, type Ended } from "./support.js";

const { httpUrl, wsUrl, email, password, watchMs } = scenario();
// GraphQLWsLink reads the global `WebSocket` on every error it relays (browsers and Node 22+ have one); on
// Node 20 that throws, graphql-ws takes it for a broken socket and reconnects, and SESSION_ENDED is lost.
(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;

function apollo(credential: Credential | null, possibleTypes: PossibleTypesMap = introspection.possibleTypes) {
  const socket = credential ? socketClient(wsUrl, credential) : null;
  const http = new HttpLink({
    uri: httpUrl,
    fetch: credential && "cookieFrom" in credential ? credential.cookieFrom.fetch : fetch,
    headers: credential && "token" in credential ? { authorization: `Bearer ${credential.token}` } : {},
  });
  const isSubscription = ({ query }: ApolloLink.Operation) => {
    const definition = getMainDefinition(query);
    return definition.kind === Kind.OPERATION_DEFINITION && definition.operation === OperationTypeNode.SUBSCRIPTION;
  };
  const link = socket ? ApolloLink.split(isSubscription, new GraphQLWsLink(socket.client), http) : http;
  return { client: new ApolloClient({ link, cache: new InMemoryCache({ possibleTypes }) }), log: socket?.log };
}

/** The mobile-style sign-in: the token comes back in the body, for `Authorization: Bearer`. */
async function signInMobile(): Promise<{ token: string; sessionId: string }> {
  const { client } = apollo(null);
  const { data } = await client.mutate({ mutation: SignInDocument, variables: { input: { email, password, client: "MOBILE" } } });
  if (data?.signIn.__typename !== "SignedIn" || !data.signIn.token) throw new Error(`signIn: ${JSON.stringify(data)}`);
  return { token: data.signIn.token, sessionId: data.signIn.session.id };
}

/** The README's recipe: the subscription's every list is written over the `activeSessions` query. */
function followSessions(client: ApolloClient) {
  const seen: { lists: string[][]; ended: Ended[] } = { lists: [], ended: [] };
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
}

function endedOf(error: unknown): Ended[] {
  if (error instanceof Error && "errors" in error && Array.isArray(error.errors)) return endedFrom(error.errors);
  return [{ code: null, reason: null, message: String(error) }];
}

/** Revoke with the recipe's cache update: evict what the payload names, then collect. */
function revokeSession(client: ApolloClient, id: string) {
  return client.mutate({
    mutation: RevokeSessionDocument,
    variables: { id },
    update(cache, { data }) {
      const payload: RevokeSessionMutation["revokeSession"] | undefined = data?.revokeSession;
      if (payload?.__typename !== "SessionRevoked") return;
      cache.evict({ id: cache.identify(payload.session) });
      cache.gc();
    },
  });
}

const sessionIds = (client: ApolloClient) =>
  client.readQuery({ query: ActiveSessionsDocument })?.activeSessions.map((session) => session.id) ?? null;

run(async () => {
  const cookies = browser();
  const laptop = apollo({ cookieFrom: cookies, httpUrl });
  const signedUp = await laptop.client.mutate({ mutation: SignUpDocument, variables: { input: { email, password, client: "WEB" } } });
  if (signedUp.data?.signUp.__typename !== "SignedIn") throw new Error(`signUp: ${JSON.stringify(signedUp.data)}`);
  const laptopId = signedUp.data.signUp.session.id;
  const [phoneSignIn, tabletSignIn] = [await signInMobile(), await signInMobile()];
  const phone = apollo({ token: phoneSignIn.token });
  const tablet = apollo({ token: tabletSignIn.token });

  await laptop.client.query({ query: ActiveSessionsDocument });
  const laptopView = followSessions(laptop.client);
  const phoneView = followSessions(phone.client);
  await until(() => laptopView.lists.length > 0 && phoneView.lists.length > 0, "the first lists");

  const revoked = await revokeSession(laptop.client, phoneSignIn.sessionId);
  const cacheKeysAfterRevoke = Object.keys(laptop.client.cache.extract() as Record<string, unknown>);
  const listAfterRevoke = sessionIds(laptop.client);
  await until(() => phoneView.ended.length > 0, "the phone's SESSION_ENDED");
  await until(() => laptopView.lists.at(-1)?.includes(phoneSignIn.sessionId) === false, "the list without the phone");

  // The laptop's own session ends: its cookie-authenticated socket is told too.
  await revokeSession(tablet.client, laptopId);
  await until(() => laptopView.ended.length > 0, "the laptop's SESSION_ENDED");

  // An error union member read through the interface: `... on Error` needs possibleTypes.
  const notFound = (await tablet.client.mutate({ mutation: RevokeSessionDocument, variables: { id: "not-a-session" } })).data;
  const blind = apollo({ token: tabletSignIn.token }, {});
  const withoutPossibleTypes = (await blind.client.mutate({ mutation: RevokeSessionDocument, variables: { id: "not-a-session" } })).data;

  await sleep(watchMs);
  return {
    signUp: { typename: signedUp.data.signUp.__typename, token: signedUp.data.signUp.token ?? null },
    cookies: cookies.cookieNames(httpUrl),
    sessions: { laptop: laptopId, phone: phoneSignIn.sessionId, tablet: tabletSignIn.sessionId },
    revoked: revoked.data?.revokeSession ?? null,
    cacheKeysAfterRevoke,
    listAfterRevoke,
    laptopLists: laptopView.lists,
    phoneEnded: phoneView.ended,
    laptopEnded: laptopView.ended,
    phoneSocket: phone.log,
    laptopSocket: laptop.log,
    notFound: notFound?.revokeSession ?? null,
    withoutPossibleTypes: withoutPossibleTypes?.revokeSession ?? null,
  };
});
