import { subtask, type HardhatUserConfig } from "hardhat/config";
import { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, TASK_TEST_GET_TEST_FILES } from "hardhat/builtin-tasks/task-names";
import "@nomicfoundation/hardhat-toolbox";
import "./tasks";
import { environmentNetwork } from "./scripts/lib/env-network";
import { LOCAL_CHAIN_ID, LOCAL_CHAIN_ID_2 } from "./core/chains";
import { rpcUrlsOf } from "./core/networks";

/** The one Solidity version of the project; the `solc` npm package is pinned to exactly this. */
const SOLIDITY_VERSION = "0.8.28";

// Hardhat 2 downloads solc from the internet; these machines reach only the npm registry,
// so compile with the solc-js build shipped inside the pinned `solc` package instead.
subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async (args: { solcVersion: string }) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const solc = require("solc") as { version(): string };
  const longVersion = solc.version();
  if (args.solcVersion !== SOLIDITY_VERSION || !longVersion.startsWith(`${args.solcVersion}+`)) {
    throw new Error(
      `solc ${args.solcVersion} requested but the installed solc package is ${longVersion}: ` +
        `pin "solc": "${args.solcVersion}" in package.json and run \`npm ci\``,
    );
  }
  return {
    compilerPath: require.resolve("solc/soljson.js"),
    isSolcJs: true,
    version: args.solcVersion,
    longVersion,
  };
});

/** Which files under test/ are specs: `<area>/<name>.test.ts`; everything else there (test/helpers/) is a helper. */
const TEST_SPEC_PATTERN = /\.test\.ts$/;

// `hardhat test` with no file arguments runs only the specs, never the helpers beside them.
subtask(TASK_TEST_GET_TEST_FILES, async (args: { testFiles: string[] }, _hre, runSuper) => {
  const files = (await runSuper(args)) as string[];
  return args.testFiles.length > 0 ? files : files.filter((file) => TEST_SPEC_PATTERN.test(file));
});

/** The one compiler of the project, optimized for `runs` calls per deployed byte. */
const compiler = (runs: number) => ({ version: SOLIDITY_VERSION, settings: { evmVersion: "cancun", optimizer: { enabled: true, runs } } });

const config: HardhatUserConfig = {
  solidity: {
    compilers: [compiler(10_000)],
    // PaymentEscrow at 10,000 runs no longer fits EIP-170's 24,576 bytes; at 1,000 it is 24,046 bytes and its
    // hot paths cost about 0.15% more gas (bench/README.md).
    overrides: {
      "contracts/PaymentEscrow.sol": compiler(1_000),
    },
  },
  networks: {
    // Prague, not Osaka: EDR estimates a call that checks gasleft() (the escrow's payout allowance) with a gas limit above
    // Osaka's per-transaction cap of 2^24 and fails; Prague has no such cap and the estimate comes out right.
    // HARDHAT_CHAIN_ID runs `hardhat node` as the second local chain (31338, scripts/stack/node.ts's chainId option).
    hardhat: { chainId: Number(process.env.HARDHAT_CHAIN_ID) || LOCAL_CHAIN_ID, hardfork: "prague" },
    // RPC_URL_LOCALHOST or RPC_URL (core/networks) lets tests run their own node on another port.
    localhost: { url: rpcUrlsOf(process.env, "localhost", true)[0]!, chainId: LOCAL_CHAIN_ID },
    // The second local chain of `npm start -- --chains 2` (RPC_URL_LOCALHOST2, default port 8546).
    localhost2: { url: rpcUrlsOf(process.env, "localhost2", false)[0]!, chainId: LOCAL_CHAIN_ID_2 },
    ...environmentNetwork(process.env),
  },
  gasReporter: { enabled: process.env.REPORT_GAS === "true", offline: true, currency: "USD" },
  typechain: { outDir: "typechain-types", target: "ethers-v6" },
  mocha: { timeout: 120_000 },
};

export default config;
