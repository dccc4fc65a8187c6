import { explorerPlugin } from "@graphiql/plugin-explorer";
import { createGraphiQLFetcher } from "@graphiql/toolkit";
import { GraphiQL } from "graphiql";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import "graphiql/graphiql.css";
import "@graphiql/plugin-explorer/style.css";
import "./graphiql.css";

// Same origin as the API: the browser's session cookie signs both the requests and the socket in.
const fetcher = createGraphiQLFetcher({
  url: "/graphql",
  subscriptionUrl: `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/graphql`,
});
const plugins = [explorerPlugin()];

const root = document.getElementById("graphiql");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <GraphiQL fetcher={fetcher} plugins={plugins} />
    </StrictMode>,
  );
}
