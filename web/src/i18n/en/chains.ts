/** English strings of the page on several chains: the network choice, chain badges and filters, ambiguous ids. */
/** English strings of the `chains` part of the catalogue. */
export const chains = {
  network: "Network",
  networkHint: "The chain the invoice is created on; the payer pays there.",
  allNetworks: "All networks",
  filterLabel: "Filter by network",
  chainColumn: "Network",
  unknownChain: "This server does not serve chain {id}",
  unknownChainText: "The link names a chain this Settle does not index. Ask for a new link, or open the invoice from your list.",
  ambiguousTitle: "Invoice {id} exists on several networks",
  ambiguousText: "An invoice number alone is ambiguous here. Choose the network of the invoice you mean:",
  openOn: "Invoice {id} on {name}",
  switchRefused: "You stayed on chain {chain}. Switch to {name} (chain {id}) in your wallet to continue.",
};
