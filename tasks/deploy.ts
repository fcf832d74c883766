import { existsSync } from "node:fs";
import { task } from "hardhat/config";
import { deploymentPath, readDeployment, writeDeployment } from "../core/deployment-file";
import { localDeploymentsDir } from "../scripts/lib/deployments";
import { runCli } from "./lib/cli";

task("settle:deploy", "Deploys Settle's contracts (or reuses them) and writes deployments/<network>.json")
  .addFlag("json", "print the deployment as JSON")
  .setAction(async ({ json }: { json: boolean }, hre) =>
    runCli(async () => {
      const { deploySettle } = await import("../scripts/deploy");
      const network = hre.network.name;
      const dir = localDeploymentsDir();
      const previous = existsSync(deploymentPath(dir, network)) ? readDeployment(dir, network) : undefined;
      const { deployment, reused } = await deploySettle(hre, previous, json ? undefined : (line) => console.log(line));
      if (!reused) {
        const path = writeDeployment(dir, deployment);
        if (!json) console.log(`wrote ${path}`);
      }
      if (json) console.log(JSON.stringify(deployment, null, 2));
    }),
  );
