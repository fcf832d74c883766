/**
 * Fails unless every contract file in coverage/coverage-summary.json has 100% line and branch
 * coverage (run by `npm run coverage` after solidity-coverage).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

interface Totals {
  pct: number;
}
type Summary = Record<string, { lines: Totals; branches: Totals }>;

const summary = JSON.parse(readFileSync(join(__dirname, "..", "coverage", "coverage-summary.json"), "utf8")) as Summary;
const short = Object.entries(summary).filter(([file, totals]) => file !== "total" && (totals.lines.pct < 100 || totals.branches.pct < 100));
for (const [file, totals] of short)
  console.error(`coverage below 100%: ${file} lines ${totals.lines.pct}%, branches ${totals.branches.pct}%`);
if (short.length > 0) process.exit(1);
console.log(`coverage: 100% of lines and branches in ${Object.keys(summary).length - 1} files`);
