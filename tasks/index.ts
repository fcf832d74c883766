// Registers every Settle task with Hardhat (imported by hardhat.config.ts).
import "./deploy";
import "./token";
import "./staking";
import "./rewards";
import "./invoice";
import "./invoice-pay";
import "./escrow";
import "./invoice-batch";
import "./einvoice";
