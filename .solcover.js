// solidity-coverage: text table for people, json-summary for CI (coverage/coverage-summary.json).
module.exports = {
  istanbulReporter: ["text", "json-summary", "html"],
  skipFiles: ["test/"],
};
