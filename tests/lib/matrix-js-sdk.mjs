// Helpers for tests that drive a real matrix-js-sdk MatrixClient (tests/gateway, tests/widget-host).
// Each suite has its own node_modules, so the caller passes its matrix-js-sdk module in.

/** Starts `client` syncing and resolves after its first sync (getRoom and account data need one). */
export async function synced(sdk, client, initialSyncLimit) {
  const ready = new Promise((resolve, reject) => {
    client.on(sdk.ClientEvent.Sync, (state, _prev, data) => {
      if (state === "PREPARED") resolve();
      if (state === "ERROR") reject(data?.error ?? new Error("sync error"));
    });
  });
  await client.startClient({ initialSyncLimit });
  await ready;
}

/** Polls `pred` every 50 ms until it holds (true) or `ms` pass (false). */
export async function waitFor(pred, ms = 10_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await pred()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}
