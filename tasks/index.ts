// Registers every Settle task with Hardhat (imported by hardhat.config.ts), and the node transport that waits out a
// misbehaving node for every task (tasks/lib/patient-provider.ts).
import { extendEnvironment, extendProvider } from "hardhat/config";
import { patientProvider } from "./lib/patient-provider";
import "./deploy";
import "./token";
import "./staking";
import "./rewards";
import "./invoice";
import "./invoice-pay";
import "./escrow";
import "./invoice-batch";
import "./einvoice";

// Only when the selected network has a URL: any provider extender makes Hardhat add its gas-price wrapper to the
// in-process network too, which the contract tests run on. The runtime environment creates its provider lazily from
// the context's list of extenders, so one added here (while the environment is built) is used.
extendEnvironment((hre) => {
  if ("url" in hre.network.config) extendProvider(patientProvider);
});
