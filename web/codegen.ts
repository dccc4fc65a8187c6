import type { CodegenConfig } from "@graphql-codegen/cli";

// Operations are typed from the service's exported schema; `npm run codegen -- --check` fails when stale.
const config: CodegenConfig = {
  schema: "../schema.graphql",
  // Tests hold their own documents (the cache's, against a fake server), not the page's operations.
  documents: ["src/**/*.{ts,tsx}", "!src/lib/gql/**", "!src/**/*.test.ts"],
  ignoreNoDocuments: true,
  generates: {
    "src/lib/gql/": {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: {
        scalars: { DateTime: "string" },
        enumsAsTypes: true,
        useTypeImports: true,
      },
    },
    // What Graphcache needs to match fragments on unions and interfaces (the result types and Error).
    "src/lib/gql/introspection.ts": {
      plugins: ["urql-introspection"],
      config: { module: "es2015", useTypeImports: true },
    },
  },
};

export default config;
