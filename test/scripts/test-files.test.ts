import { expect } from "chai";
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import hre from "hardhat";
import { TASK_TEST_GET_TEST_FILES } from "hardhat/builtin-tasks/task-names";

/** Every file under `dir`, recursively, as absolute paths. */
function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

describe("hardhat test", function () {
  it("runs exactly the *.test.ts specs under test/, never a helper", async function () {
    const testsDir = hre.config.paths.tests;
    const runs = (await hre.run(TASK_TEST_GET_TEST_FILES, { testFiles: [] })) as string[];
    const specs = listFiles(testsDir).filter((file) => file.endsWith(".test.ts"));

    expect(runs.map((file) => relative(testsDir, file)).sort()).to.deep.equal(specs.map((file) => relative(testsDir, file)).sort());
    expect(runs.some((file) => relative(testsDir, file).startsWith("helpers"))).to.equal(false);
  });
});
