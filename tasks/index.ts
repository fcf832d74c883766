// Registers every Settle task with Hardhat (imported by hardhat.config.ts), and the node transport that waits out a
// misbehaving node for every task (tasks/lib/patient-provider.ts).
import { extendProvider } from "hardhat/config";
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

extendProvider(patientProvider);
