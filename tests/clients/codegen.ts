import type { CodegenConfig } from "@graphql-codegen/cli";

// Typed operations and Apollo/Graphcache `possibleTypes`, generated from the service's exported schema
// every time the suite runs, so a schema change that breaks a real client's documents fails the suite.
const config: CodegenConfig = {
  schema: "../../schema.graphql",
  documents: ["operations.graphql"],
  // Node's ES modules need the `.js` on relative imports.
  emitLegacyCommonJSImports: false,
  generates: {
    "src/gql/": {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: { scalars: { DateTime: "string" }, enumsAsTypes: true, useTypeImports: true },
    },
    "src/gql/possible-types.ts": {
      plugins: ["fragment-matcher"],
      config: { module: "es2015", apolloClientVersion: 3, useExplicitTyping: true },
    },
  },
};

export default config;
