/** Prints one line of the supervisor's own, prefixed `[indexer]` (`npm start` and the tests look for these lines). */
export function log(message: string): void {
  console.log(`[indexer] ${message}`);
}
