// The graphql-http server audit (GraphQL over HTTP conformance) against a running server.
// Usage: node http_audit.cjs URL. Prints one JSON array: each audit's id, name, status and, unless ok, reason.
const { serverAudits } = require("graphql-http");

const [url] = process.argv.slice(2);

async function main() {
  const results = [];
  // One after another: the audits are small, and the server under test is a single worker.
  for (const audit of serverAudits({ url })) {
    const result = await audit.fn();
    const entry = { id: result.id, name: result.name, status: result.status };
    if (result.status !== "ok") entry.reason = result.reason;
    results.push(entry);
  }
  process.stdout.write(`${JSON.stringify(results)}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : String(error)}\n`);
  process.exit(1);
});
