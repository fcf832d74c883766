import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { signPermit } from "../../scripts/lib/permit";

const CAP = ethers.parseEther("1000000");
const INITIAL = ethers.parseEther("1000");

describe("SettleToken", function () {
  async function deployFixture() {
    const [admin, alice, bob] = await ethers.getSigners();
    const token = await ethers.deployContract("SettleToken", [admin, CAP, alice, INITIAL]);
    return { token, admin, alice, bob };
  }

  describe("deployment", function () {
    it("names the token Settle (SETL) with 18 decimals", async function () {
      const { token } = await loadFixture(deployFixture);
      expect(await token.name()).to.equal("Settle");
      expect(await token.symbol()).to.equal("SETL");
      expect(await token.decimals()).to.equal(18);
    });

    it("mints the initial supply to the initial holder under the cap", async function () {
      const { token, alice } = await loadFixture(deployFixture);
      expect(await token.balanceOf(alice)).to.equal(INITIAL);
      expect(await token.totalSupply()).to.equal(INITIAL);
      expect(await token.cap()).to.equal(CAP);
    });

    it("gives the admin the admin and minter roles", async function () {
      const { token, admin } = await loadFixture(deployFixture);
      expect(await token.hasRole(await token.DEFAULT_ADMIN_ROLE(), admin)).to.equal(true);
      expect(await token.hasRole(await token.MINTER_ROLE(), admin)).to.equal(true);
    });

    it("refuses an initial supply above the cap", async function () {
      const [admin] = await ethers.getSigners();
      const factory = await ethers.getContractFactory("SettleToken");
      await expect(factory.deploy(admin, CAP, admin, CAP + 1n))
        .to.be.revertedWithCustomError(factory, "ERC20ExceededCap")
        .withArgs(CAP + 1n, CAP);
    });
  });

  describe("mint", function () {
    it("lets a minter create tokens", async function () {
      const { token, bob } = await loadFixture(deployFixture);
      const tx = await token.mint(bob, 5n);
      await expect(tx).to.emit(token, "Transfer").withArgs(ethers.ZeroAddress, bob.address, 5n);
      await expect(tx).to.changeTokenBalance(token, bob, 5n);
    });

    it("refuses callers without MINTER_ROLE", async function () {
      const { token, alice } = await loadFixture(deployFixture);
      await expect(token.connect(alice).mint(alice, 1n))
        .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount")
        .withArgs(alice.address, await token.MINTER_ROLE());
    });

    it("refuses to exceed the cap", async function () {
      const { token, bob } = await loadFixture(deployFixture);
      await expect(token.mint(bob, CAP - INITIAL + 1n))
        .to.be.revertedWithCustomError(token, "ERC20ExceededCap")
        .withArgs(CAP + 1n, CAP);
    });
  });

  describe("burn", function () {
    it("lets a holder burn its own tokens", async function () {
      const { token, alice } = await loadFixture(deployFixture);
      await token.connect(alice).burn(10n);
      expect(await token.totalSupply()).to.equal(INITIAL - 10n);
    });

    it("burns from another holder only within the allowance", async function () {
      const { token, alice, bob } = await loadFixture(deployFixture);
      await token.connect(alice).approve(bob, 5n);
      await expect(token.connect(bob).burnFrom(alice, 6n))
        .to.be.revertedWithCustomError(token, "ERC20InsufficientAllowance")
        .withArgs(bob.address, 5n, 6n);
      await expect(token.connect(bob).burnFrom(alice, 5n)).to.changeTokenBalance(token, alice, -5n);
    });
  });

  describe("permit", function () {
    it("sets an allowance from a signature", async function () {
      const { token, alice, bob } = await loadFixture(deployFixture);
      const deadline = BigInt(await time.latest()) + 600n;
      const p = await signPermit(token, alice, bob.address, 42n, deadline);
      await token.connect(bob).permit(alice, bob, p.value, p.deadline, p.v, p.r, p.s);
      expect(await token.allowance(alice, bob)).to.equal(42n);
      expect(await token.nonces(alice)).to.equal(1n);
    });

    it("refuses an expired signature", async function () {
      const { token, alice, bob } = await loadFixture(deployFixture);
      const deadline = BigInt(await time.latest()) - 1n;
      const p = await signPermit(token, alice, bob.address, 42n, deadline);
      await expect(token.permit(alice, bob, p.value, p.deadline, p.v, p.r, p.s))
        .to.be.revertedWithCustomError(token, "ERC2612ExpiredSignature")
        .withArgs(deadline);
    });

    it("refuses a signature by someone else", async function () {
      const { token, alice, bob } = await loadFixture(deployFixture);
      const deadline = BigInt(await time.latest()) + 600n;
      const p = await signPermit(token, bob, bob.address, 42n, deadline);
      await expect(token.permit(alice, bob, p.value, p.deadline, p.v, p.r, p.s)).to.be.revertedWithCustomError(
        token,
        "ERC2612InvalidSigner",
      );
    });
  });

  it("reports AccessControl support through ERC-165", async function () {
    const { token } = await loadFixture(deployFixture);
    expect(await token.supportsInterface("0x7965db0b")).to.equal(true);
  });
});
