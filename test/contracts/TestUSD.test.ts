import { expect } from "chai";
import { ethers } from "hardhat";
import type { Signer } from "ethers";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { TestUSD } from "../../typechain-types";
import { PERMIT_TYPES } from "../../core/permit";
import { RECEIVE_WITH_AUTHORIZATION_TYPES } from "../../core/relay";

/** EIP-3009's authorisation fields: the same for transferWithAuthorization and receiveWithAuthorization. */
const AUTH_FIELDS = RECEIVE_WITH_AUTHORIZATION_TYPES.ReceiveWithAuthorization;
const NONCE = ethers.id("nonce 1");

async function domain(token: TestUSD) {
  return { name: "USD Coin (test)", version: "2", chainId: 31337n, verifyingContract: await token.getAddress() };
}

/** Signs an EIP-3009 authorisation of `kind` and returns it as the token's call arguments. */
async function signAuth(
  token: TestUSD,
  signer: Signer,
  kind: "TransferWithAuthorization" | "ReceiveWithAuthorization",
  message: { from: string; to: string; value: bigint; validAfter: bigint; validBefore: bigint; nonce: string },
) {
  const sig = ethers.Signature.from(await signer.signTypedData(await domain(token), { [kind]: AUTH_FIELDS }, message));
  return [message.from, message.to, message.value, message.validAfter, message.validBefore, message.nonce, sig.v, sig.r, sig.s] as const;
}

describe("TestUSD", function () {
  async function deployFixture() {
    const [owner, spender, receiver, stranger] = await ethers.getSigners();
    const token = await ethers.deployContract("TestUSD");
    await token.mint(owner, 1_000_000n);
    const validBefore = BigInt(await time.latest()) + 3600n;
    const auth = { from: owner.address, to: receiver.address, value: 100n, validAfter: 0n, validBefore, nonce: NONCE };
    return { token, owner, spender, receiver, stranger, auth, validBefore };
  }

  describe("metadata", function () {
    it("looks like USDC with EIP-712 version 2", async function () {
      const { token } = await loadFixture(deployFixture);
      expect(await token.decimals()).to.equal(6);
      expect(await token.symbol()).to.equal("USDC");
      expect(await token.name()).to.equal("USD Coin (test)");
      const d = await domain(token);
      expect(await token.DOMAIN_SEPARATOR()).to.equal(ethers.TypedDataEncoder.hashDomain(d));
      expect((await token.eip712Domain())[2]).to.equal("2");
    });
  });

  describe("permit", function () {
    it("sets the allowance and uses the nonce", async function () {
      const { token, owner, spender, validBefore } = await loadFixture(deployFixture);
      const message = { owner: owner.address, spender: spender.address, value: 5n, nonce: 0n, deadline: validBefore };
      const sig = ethers.Signature.from(await owner.signTypedData(await domain(token), PERMIT_TYPES, message));
      await token.permit(owner, spender, 5n, validBefore, sig.v, sig.r, sig.s);
      expect(await token.allowance(owner, spender)).to.equal(5n);
      expect(await token.nonces(owner)).to.equal(1n);
      await expect(token.permit(owner, spender, 5n, validBefore, sig.v, sig.r, sig.s)).to.be.revertedWithCustomError(
        token,
        "TestUSDInvalidSigner",
      );
    });

    it("refuses an expired permit", async function () {
      const { token, owner, spender } = await loadFixture(deployFixture);
      const deadline = BigInt(await time.latest()) - 1n;
      await expect(token.permit(owner, spender, 5n, deadline, 27, ethers.ZeroHash, ethers.ZeroHash))
        .to.be.revertedWithCustomError(token, "TestUSDPermitExpired")
        .withArgs(deadline);
    });
  });

  describe("transferWithAuthorization", function () {
    it("transfers, marks the nonce used and refuses a replay", async function () {
      const { token, owner, receiver, stranger, auth } = await loadFixture(deployFixture);
      const args = await signAuth(token, owner, "TransferWithAuthorization", auth);
      const tx = token.connect(stranger).transferWithAuthorization(...args);
      await expect(tx).to.emit(token, "AuthorizationUsed").withArgs(owner.address, NONCE);
      await expect(tx).to.changeTokenBalances(token, [owner, receiver], [-100n, 100n]);
      expect(await token.authorizationState(owner, NONCE)).to.equal(true);
      await expect(token.connect(stranger).transferWithAuthorization(...args))
        .to.be.revertedWithCustomError(token, "TestUSDAuthorizationUsed")
        .withArgs(owner.address, NONCE);
    });

    it("refuses an authorisation before validAfter or from validBefore", async function () {
      const { token, owner, auth } = await loadFixture(deployFixture);
      const early = { ...auth, validAfter: auth.validBefore - 10n };
      await expect(token.transferWithAuthorization(...(await signAuth(token, owner, "TransferWithAuthorization", early))))
        .to.be.revertedWithCustomError(token, "TestUSDAuthorizationNotValidNow")
        .withArgs(early.validAfter, early.validBefore);
      const args = await signAuth(token, owner, "TransferWithAuthorization", auth);
      await time.setNextBlockTimestamp(auth.validBefore);
      await expect(token.transferWithAuthorization(...args))
        .to.be.revertedWithCustomError(token, "TestUSDAuthorizationNotValidNow")
        .withArgs(0n, auth.validBefore);
    });
  });

  describe("receiveWithAuthorization", function () {
    it("lets only the payee submit it", async function () {
      const { token, owner, receiver, stranger, auth } = await loadFixture(deployFixture);
      const args = await signAuth(token, owner, "ReceiveWithAuthorization", auth);
      await expect(token.connect(stranger).receiveWithAuthorization(...args))
        .to.be.revertedWithCustomError(token, "TestUSDCallerNotPayee")
        .withArgs(stranger.address, receiver.address);
      await expect(token.connect(receiver).receiveWithAuthorization(...args)).to.changeTokenBalances(
        token,
        [owner, receiver],
        [-100n, 100n],
      );
    });
  });

  describe("cancelAuthorization", function () {
    it("voids an unused nonce and refuses to cancel it twice", async function () {
      const { token, owner, stranger, auth } = await loadFixture(deployFixture);
      const sig = ethers.Signature.from(
        await owner.signTypedData(
          await domain(token),
          {
            CancelAuthorization: [
              { name: "authorizer", type: "address" },
              { name: "nonce", type: "bytes32" },
            ],
          },
          { authorizer: owner.address, nonce: NONCE },
        ),
      );
      await expect(token.connect(stranger).cancelAuthorization(owner, NONCE, sig.v, sig.r, sig.s))
        .to.emit(token, "AuthorizationCanceled")
        .withArgs(owner.address, NONCE);
      await expect(token.cancelAuthorization(owner, NONCE, sig.v, sig.r, sig.s))
        .to.be.revertedWithCustomError(token, "TestUSDAuthorizationUsed")
        .withArgs(owner.address, NONCE);
      await expect(token.transferWithAuthorization(...(await signAuth(token, owner, "TransferWithAuthorization", auth))))
        .to.be.revertedWithCustomError(token, "TestUSDAuthorizationUsed")
        .withArgs(owner.address, NONCE);
    });
  });
});
