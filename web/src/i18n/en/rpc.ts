/**
 * The page's English strings for a node or an index that does not answer for now (the API's 503 `node_*` and
 * `index_not_ready`): the read that retries by itself with back-off, the action that offers to retry. Part `rpc` of the
 * catalogue (en.ts).
 */
export const rpc = {
  nodeTitle: "The blockchain node is not answering",
  indexTitle: "The index is catching up",
  retryingIn: "Retrying in {seconds} s…",
  retrying: "Retrying…",
  retryNow: "Retry now",
  retry: "Retry",
} as const;
