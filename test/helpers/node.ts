/** The stack launcher's Hardhat node and deploy (scripts/stack/node.ts), as the tests use them. */
export {
  deploySettle,
  latestTimestamp,
  shareClock,
  startHardhatNode,
  type HardhatNode,
  type LocalDeployment as TestDeployment,
} from "../../scripts/stack/node";
export { QUIET_ENV, REPO_ROOT } from "../../scripts/stack/paths";
