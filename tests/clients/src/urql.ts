// urql (@urql/core 6 with Graphcache and graphql-ws) through the README's recipe: a browser-style laptop
// (cookie) and two mobile-style devices (bearer), with the page's updaters and the generated possibleTypes.
import { cacheExchange, type CacheExchangeOpts } from "@urql/exchange-graphcache";
import { Client, fetchExchange, subscriptionExchange, type CombinedError } from "@urql/core";
import { pipe, subscribe } from "wonka";

import {
  ActiveSessionsDocument,
  CachedSessionDocument,
  LiveSessionsDocument,
  RevokeSessionDocument,
  SignInDocument,
  SignUpDocument,
} from "./gql/graphql.js";
import introspection from "./gql/possible-types.js";
import { browser, endedFrom, run, scenario, sleep, socketClient, until, type Credential, type Ended } from "./support.js";

const { httpUrl, wsUrl, email, password, watchMs } = scenario();
const embedded = () => null;

/** The README's Graphcache options: payloads embedded, revokes invalidate, the subscription sets the list. */
function cacheOptions(possibleTypes: CacheExchangeOpts["possibleTypes"]): CacheExchangeOpts {
  return {
    possibleTypes,
    keys: { Device: embedded, SessionRevoked: embedded, SessionsRevoked: embedded },
    resolvers: {
      // Looks a session up in the cache by its id: the test's window on the normalised store.
      Query: { node: (_parent, args, cache) => cache.keyOfEntity({ __typename: "Session", id: args.id as string }) },
    },
    updates: {
      Subscription: {
        activeSessions(result, _args, cache) {
          cache.link("Query", "activeSessions", result.activeSessions as never);
        },
      },
      Mutation: {
        revokeSession(result, _args, cache) {
          const payload = result.revokeSession as { __typename: string; session?: { id: string } };
          if (payload.__typename !== "SessionRevoked" || !payload.session) return;
          const ended = cache.keyOfEntity({ __typename: "Session", id: payload.session.id });
          const list = cache.resolve("Query", "activeSessions");
          if (Array.isArray(list)) cache.link("Query", "activeSessions", list.filter((key) => key !== ended) as never);
          cache.invalidate({ __typename: "Session", id: payload.session.id });
        },
      },
    },
  };
}

function urql(credential: Credential | null, possibleTypes = introspection.possibleTypes) {
  const socket = credential ? socketClient(wsUrl, credential) : null;
  const headers: Record<string, string> = credential && "token" in credential ? { authorization: `Bearer ${credential.token}` } : {};
  const forward = subscriptionExchange({
    forwardSubscription(request) {
      return { subscribe: (sink) => ({ unsubscribe: socket!.client.subscribe({ ...request, query: request.query ?? "" }, sink) }) };
    },
  });
  const client = new Client({
    url: httpUrl,
    fetch: credential && "cookieFrom" in credential ? credential.cookieFrom.fetch : fetch,
    fetchOptions: () => ({ headers }),
    exchanges: [cacheExchange(cacheOptions(possibleTypes)), fetchExchange, ...(socket ? [forward] : [])],
  });
  return { client, log: socket?.log };
}

async function signInMobile(): Promise<{ token: string; sessionId: string }> {
  const { data } = await urql(null).client.mutation(SignInDocument, { input: { email, password, client: "MOBILE" } }).toPromise();
  if (data?.signIn.__typename !== "SignedIn" || !data.signIn.token) throw new Error(`signIn: ${JSON.stringify(data)}`);
  return { token: data.signIn.token, sessionId: data.signIn.session.id };
}

function endedOf(error: CombinedError): Ended[] {
  if (error.graphQLErrors.length > 0) return endedFrom(error.graphQLErrors);
  return [{ code: null, reason: null, message: error.message }];
}

function followSessions(client: Client) {
  const seen: { lists: string[][]; ended: Ended[] } = { lists: [], ended: [] };
  pipe(
    client.subscription(LiveSessionsDocument, {}),
    subscribe((result) => {
      if (result.error) seen.ended.push(...endedOf(result.error));
      else if (result.data) seen.lists.push(result.data.activeSessions.map((session) => session.id));
    }),
  );
  return seen;
}

const cached = (client: Client) => ({
  list: client.readQuery(ActiveSessionsDocument, {})?.data?.activeSessions.map((session) => session.id) ?? null,
  session: (id: string) => client.readQuery(CachedSessionDocument, { id })?.data?.node ?? null,
});

run(async () => {
  const cookies = browser();
  const laptop = urql({ cookieFrom: cookies, httpUrl });
  const signedUp = await laptop.client.mutation(SignUpDocument, { input: { email, password, client: "WEB" } }).toPromise();
  if (signedUp.data?.signUp.__typename !== "SignedIn") throw new Error(`signUp: ${JSON.stringify(signedUp.data)}`);
  const laptopId = signedUp.data.signUp.session.id;
  const [phoneSignIn, tabletSignIn] = [await signInMobile(), await signInMobile()];
  const phone = urql({ token: phoneSignIn.token });
  const tablet = urql({ token: tabletSignIn.token });

  await laptop.client.query(ActiveSessionsDocument, {}).toPromise();
  const phoneBeforeRevoke = cached(laptop.client).session(phoneSignIn.sessionId);
  const laptopView = followSessions(laptop.client);
  const phoneView = followSessions(phone.client);
  await until(() => laptopView.lists.length > 0 && phoneView.lists.length > 0, "the first lists");

  const revoked = await laptop.client.mutation(RevokeSessionDocument, { id: phoneSignIn.sessionId }).toPromise();
  const phoneAfterRevoke = cached(laptop.client).session(phoneSignIn.sessionId);
  const listAfterRevoke = cached(laptop.client).list;
  await until(() => phoneView.ended.length > 0, "the phone's SESSION_ENDED");
  await until(() => laptopView.lists.at(-1)?.includes(phoneSignIn.sessionId) === false, "the list without the phone");

  await tablet.client.mutation(RevokeSessionDocument, { id: laptopId }).toPromise();
  await until(() => laptopView.ended.length > 0, "the laptop's SESSION_ENDED");

  const notFound = (await tablet.client.mutation(RevokeSessionDocument, { id: "not-a-session" }).toPromise()).data;

  await sleep(watchMs);
  return {
    signUp: { typename: signedUp.data.signUp.__typename, token: signedUp.data.signUp.token ?? null },
    cookies: cookies.cookieNames(httpUrl),
    sessions: { laptop: laptopId, phone: phoneSignIn.sessionId, tablet: tabletSignIn.sessionId },
    revoked: revoked.data?.revokeSession ?? null,
    phoneBeforeRevoke,
    phoneAfterRevoke,
    listAfterRevoke,
    laptopLists: laptopView.lists,
    phoneEnded: phoneView.ended,
    laptopEnded: laptopView.ended,
    phoneSocket: phone.log,
    laptopSocket: laptop.log,
    notFound: notFound?.revokeSession ?? null,
  };
});
