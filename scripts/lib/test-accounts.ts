import { HDNodeWallet, Mnemonic } from "ethers";

/** Hardhat's built-in test mnemonic: its accounts hold 10,000 ETH each on the local node. */
export const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";

/**
 * Hardhat test account `index` (address and private key), derived from the mnemonic as the node
 * does. Public knowledge: never use these keys on a real network.
 */
export function testAccount(index: number): HDNodeWallet {
  return HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(HARDHAT_MNEMONIC), `m/44'/60'/0'/0/${index}`);
}
