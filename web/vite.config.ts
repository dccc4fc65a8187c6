import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// The service serves dist/ itself (workestra/web.py); the dev server proxies the API to it.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    assetsDir: "assets",
    // No inline scripts or data: modules: the page's CSP allows only 'self'.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    // Two pages: the Security page and the self-hosted GraphiQL (served at /graphql outside production).
    rollupOptions: { input: { page: "index.html", graphiql: "graphiql.html" } },
    // GraphiQL (a development tool, off in production) is one large chunk, loaded only at /graphql.
    chunkSizeWarningLimit: 1000,
  },
  server: {
    proxy: { "/graphql": { target: "http://127.0.0.1:8000", ws: true } },
  },
  test: {
    include: ["src/**/*.test.ts"],
  },
});
