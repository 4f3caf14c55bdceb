/** Text previews (and content diffs) stop at 1 MiB: main refuses more, the renderer offers none. */
export const PREVIEW_LIMIT = 1024 * 1024
