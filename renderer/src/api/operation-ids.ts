// The one scheme for the IDs the renderer gives its long operations (downloads, file checks,
// layer contents, exports), to follow their progress and cancel them: a random UUID names a
// group; one operation is the UUID itself, and a page that runs many is `<its UUID>-<n>`, so it
// can pick out its own operations' events by prefix. Always within operationIdSchema (8 to 64
// of [a-zA-Z0-9_-]).

let sequence = 0

/** A fresh ID of its own: one download, file check or export. */
export function newOperationId(): string {
  return crypto.randomUUID()
}

/** A fresh group, for a page that follows and cancels its own operations. */
export function newOperationPrefix(): string {
  return newOperationId()
}

/** A fresh ID in a group. */
export function operationId(prefix: string): string {
  sequence = (sequence + 1) % 1_000_000
  return `${prefix}-${sequence}`
}
