import { expect } from "chai";
import { Hono } from "hono";
import pino from "pino";
import { IndexAmbiguousError } from "../../api/index/errors";
import { onError } from "../../api/lib/errors";

// What the API answers when the read module finds an id on several chains (an invoice id asked without ?chainId=).
describe("API: an id on several chains", function () {
  it("answers 409 ambiguous_id with the chain (id and name) of each candidate, not a 500", async function () {
    const app = new Hono();
    app.onError(onError(pino({ level: "silent" })));
    app.get("/invoices/1", () => {
      throw new IndexAmbiguousError("invoice 1", [{ chainId: 31337 }, { chainId: 31338 }]);
    });
    const res = await app.request("/invoices/1");
    expect(res.status).to.equal(409);
    expect(await res.json()).to.deep.equal({
      error: {
        code: "ambiguous_id",
        message: "invoice 1 exists on chains 31337, 31338: give the chain (?chainId=)",
        details: {
          candidates: [
            { chainId: 31337, chainName: "Hardhat (local)" },
            { chainId: 31338, chainName: "Hardhat (local 2)" },
          ],
        },
      },
    });
  });
});
