import { useState } from "react";
import { useMutation, useQuery } from "urql";

import { Confirm } from "../../components";
import { graphql } from "../../lib/gql";

const KnownDevicesQuery = graphql(`
  query KnownDevices {
    knownDevices {
      id
      client
      device {
        browser
        os
      }
      location
      ipAddress
      lastUsedAt
    }
  }
`);

const ForgetDeviceMutation = graphql(`
  mutation ForgetDevice($id: ID!) {
    forgetDevice(id: $id) {
      __typename
      ... on DeviceForgotten {
        knownDevice {
          id
        }
      }
      ... on Error {
        message
      }
    }
  }
`);

/** "Known Devices": browsers and apps whose sign-ins are counted apart, so a lock others caused does not keep them out. */
export function KnownDevicesSection() {
  // Every sign-in may add a device: read the list afresh when the page opens.
  const [query] = useQuery({ query: KnownDevicesQuery, requestPolicy: "cache-and-network" });
  const [, forget] = useMutation(ForgetDeviceMutation);
  const [status, setStatus] = useState<string | null>(null);
  const devices = query.data?.knownDevices ?? [];
  return (
    <section aria-labelledby="known-devices-heading" className="card">
      <h2 id="known-devices-heading">Known Devices</h2>
      <p className="meta">
        Devices that signed in before can still sign in while someone else&apos;s wrong guesses have locked your account.
      </p>
      <p role="status" className="status-line">
        {status}
      </p>
      <ul aria-label="Known devices" className="sessions">
        {devices.map((known) => {
          const device = [known.device.browser, known.device.os].filter(Boolean).join(" on ") || "Unknown device";
          return (
            <li key={known.id} aria-label={device} className="session">
              <div>
                <strong>{device}</strong>
                <div className="meta">
                  {known.client === "MOBILE" ? "Mobile app · " : ""}
                  {known.location ?? "Unknown location"} · {known.ipAddress ?? "unknown IP"} · last sign-in{" "}
                  <time dateTime={known.lastUsedAt}>{new Date(known.lastUsedAt).toLocaleString()}</time>
                </div>
              </div>
              <Confirm
                label="Forget"
                question={`Forget ${device}?`}
                confirmLabel="Yes, forget"
                danger
                onConfirm={() => {
                  void forget({ id: known.id }).then(({ data }) => {
                    const result = data?.forgetDevice;
                    setStatus(result?.__typename === "DeviceForgotten" ? `${device} was forgotten.` : (result?.message ?? "Could not forget."));
                  });
                }}
              />
            </li>
          );
        })}
      </ul>
    </section>
  );
}
