import type { CodegenConfig } from "@graphql-codegen/cli";

// Operations are typed from the service's exported schema; `npm run codegen -- --check` fails when stale.
const config: CodegenConfig = {
  schema: "../schema.graphql",
  documents: ["src/**/*.{ts,tsx}", "!src/lib/gql/**"],
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
  },
};

export default config;
