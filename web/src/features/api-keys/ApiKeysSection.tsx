import { useState, type SyntheticEvent } from "react";
import { useMutation, useQuery } from "urql";

import { Confirm, Field, useReauth } from "../../components";
import { graphql } from "../../lib/gql";

const ApiKeysQuery = graphql(`
  query ApiKeys {
    apiKeys {
      id
      name
      prefix
      createdAt
      lastUsedAt
      expiresAt
    }
  }
`);

const CreateApiKeyMutation = graphql(`
  mutation CreateApiKey($input: CreateApiKeyInput!) {
    createApiKey(input: $input) {
      __typename
      ... on ApiKeyCreated {
        secret
        apiKey {
          id
          name
        }
      }
      ... on Error {
        message
      }
    }
  }
`);

const RevokeApiKeyMutation = graphql(`
  mutation RevokeApiKey($id: ID!) {
    revokeApiKey(id: $id) {
      __typename
      ... on ApiKeyRevoked {
        apiKey {
          id
        }
      }
      ... on Error {
        message
      }
    }
  }
`);

const when = (value: string | null | undefined, otherwise: string) => (value ? new Date(value).toLocaleString() : otherwise);

/** "API keys": read-only keys for scripts; the secret is shown once, right after creation. */
export function ApiKeysSection() {
  const [keys] = useQuery({ query: ApiKeysQuery });
  const [create, runCreate] = useMutation(CreateApiKeyMutation);
  const [, runRevoke] = useMutation(RevokeApiKeyMutation);
  const [name, setName] = useState("");
  const [expires, setExpires] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [secret, setSecret] = useState<{ name: string; value: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const reauth = useReauth();

  /** Creates the key; true when the session must confirm it's you first (the prompt then retries). */
  const createKey = async (): Promise<boolean> => {
    const expiresAt = expires ? new Date(`${expires}T23:59:59`).toISOString() : null;
    const { data } = await runCreate({ input: { name, expiresAt } });
    const result = data?.createApiKey;
    if (result?.__typename === "ReauthenticationRequired") return true;
    if (result?.__typename === "ApiKeyCreated") {
      setSecret({ name: result.apiKey.name, value: result.secret });
      setCopied(false);
      setName("");
      setExpires("");
      setError(null);
    } else setError(result?.message ?? "The key could not be created. Try again.");
    return false;
  };
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    setError(null);
    void reauth.guard(createKey);
  };

  return (
    <section aria-labelledby="keys-heading" className="card">
      <h2 id="keys-heading">API keys</h2>
      <p>Keys read your account's security data (sessions, log) from scripts; they cannot change anything.</p>
      {secret ? (
        <div role="status" className="notice notice-ok">
          <p>
            The key “{secret.name}”, shown only now: <code aria-label="New API key">{secret.value}</code>
          </p>
          <button
            type="button"
            className="button"
            onClick={() => {
              void navigator.clipboard.writeText(secret.value).then(() => {
                setCopied(true);
              });
            }}
          >
            {copied ? "Copied" : "Copy key"}
          </button>
          <button type="button" className="button" onClick={() => { setSecret(null); }}>
            Done
          </button>
        </div>
      ) : null}
      <form onSubmit={submit} className="inline-form">
        <Field label="Key name" name="key-name" autoComplete="off" required maxLength={100} value={name} error={error} onChange={(e) => { setName(e.target.value); }} />
        <Field label="Expires on (optional)" name="key-expires" type="date" value={expires} onChange={(e) => { setExpires(e.target.value); }} />
        <button type="submit" className="button primary" disabled={create.fetching}>
          Create API key
        </button>
      </form>
      {reauth.prompt}
      <ul aria-label="API keys" className="keys">
        {keys.data?.apiKeys.map((key) => (
          <li key={key.id} aria-label={key.name} className="key">
            <div>
              <strong>{key.name}</strong> <code>{key.prefix}…</code>
              <div className="meta">
                created {when(key.createdAt, "")} · last used {when(key.lastUsedAt, "never")} · expires {when(key.expiresAt, "never")}
              </div>
            </div>
            <Confirm label="Revoke" question={`Revoke “${key.name}”?`} confirmLabel="Yes, revoke" danger onConfirm={() => void runRevoke({ id: key.id })} />
          </li>
        ))}
      </ul>
    </section>
  );
}
