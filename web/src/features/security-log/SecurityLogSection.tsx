import { useState } from "react";
import { useQuery } from "urql";

import { graphql } from "../../lib/gql";
import { eventLabel } from "./event-labels";

const PAGE = 10;

const SecurityEventsQuery = graphql(`
  query SecurityEvents($first: Int!, $after: String) {
    securityEvents(first: $first, after: $after) {
      edges {
        cursor
        node {
          id
          type
          occurredAt
          ipAddress
          location
          device {
            browser
            os
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

/** "Security log": the account's audit log, newest first, a page at a time. */
export function SecurityLogSection() {
  const [after, setAfter] = useState<string | null>(null);
  // relayPagination (lib/client.ts) merges the pages into one list in the cache.
  const [result] = useQuery({ query: SecurityEventsQuery, variables: { first: PAGE, after }, requestPolicy: "cache-and-network" });
  const connection = result.data?.securityEvents;
  return (
    <section aria-labelledby="log-heading" className="card">
      <h2 id="log-heading">Security log</h2>
      <table className="log">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">What</th>
            <th scope="col">Device</th>
            <th scope="col">Where</th>
          </tr>
        </thead>
        <tbody>
          {connection?.edges.map(({ node }) => (
            <tr key={node.id}>
              <td>
                <time dateTime={node.occurredAt}>{new Date(node.occurredAt).toLocaleString()}</time>
              </td>
              <td>{eventLabel(node.type)}</td>
              <td>{[node.device.browser, node.device.os].filter(Boolean).join(" on ") || "—"}</td>
              <td>{[node.location, node.ipAddress].filter(Boolean).join(" · ") || "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {connection?.pageInfo.hasNextPage ? (
        <button type="button" className="button" disabled={result.fetching} onClick={() => { setAfter(connection.pageInfo.endCursor ?? null); }}>
          Show older events
        </button>
      ) : null}
    </section>
  );
}
