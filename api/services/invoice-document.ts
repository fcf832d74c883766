import { getAddress } from "ethers";
import type { CreditNotesTable, UsersTable } from "../db/types";
import { type DocumentInputs, type InvoiceDocumentModel, type TokenInfo, buildInvoiceDocument } from "../documents/model";
import { buildCreditNoteDocument } from "../documents/credit-note";
import { renderInvoicePdf } from "../documents/pdf";
import { type EinvoiceFile, renderEinvoice } from "../documents/einvoice";
import type { EinvoiceDownload } from "../../core/einvoice";
import { EinvoiceRefusal } from "../../einvoice/refusal";
import { ApiError } from "../lib/errors";
import type { AppDeps } from "../middleware/context";
import { issueCreditNotes } from "./credit-notes";
import { type InvoiceRecord, recordChainId } from "./drafts";
import { chainsOf } from "./networks";
import { tokenMetadata } from "./token-metadata";

/** What the document builder reads: the app database, the index, and each served network's node and deployment. */
export type DocumentDeps = Pick<AppDeps, "db" | "index" | "chain" | "deployment" | "chains">;

/** The documents' inputs of an invoice, and the credit note they are for (undefined: the invoice itself). */
export interface DocumentSource {
  readonly inputs: DocumentInputs;
  readonly note?: CreditNotesTable;
}

/** Builds invoice documents (the model the HTML and PDF are drawn from, and the PDF itself). */
export interface InvoiceDocuments {
  /** Symbol and decimals of a token on `chainId` (ETH for the zero address), read from its contract, cached for an hour. */
  tokenInfo(address: string, chainId: number): Promise<TokenInfo>;
  /** Everything a document needs: the invoice's, or that of its credit note `creditNote` (404 when it has none). */
  source(record: InvoiceRecord, creditNote?: string): Promise<DocumentSource>;
  /** The model of `record`'s invoice, or of its credit note numbered `creditNote` (404 when it has none). */
  model(record: InvoiceRecord, creditNote?: string): Promise<InvoiceDocumentModel>;
  /** The model of a {@link InvoiceDocuments.source}'s document. */
  modelOf(source: DocumentSource): InvoiceDocumentModel;
  /**
   * The e-invoice of a source's document in `format` (GET /invoices/{id}/einvoice), with the deployment's tokens for
   * the stablecoin declarations. Throws EinvoiceRefusal when the invoice does not qualify.
   */
  einvoice(source: DocumentSource, format: EinvoiceDownload): Promise<EinvoiceFile>;
  /**
   * The PDF an email carries: the Factur-X PDF (as {@link InvoiceDocuments.einvoice} writes it) when the invoice
   * qualifies for an e-invoice, else the plain PDF of `model` with the refusal that kept the Factur-X out.
   */
  emailPdf(source: DocumentSource, model: InvoiceDocumentModel): Promise<EmailPdf>;
  /** The PDF of a model. */
  pdf(model: InvoiceDocumentModel): Promise<Buffer>;
  /** The PDF's file name: invoice-<id>.pdf or credit-note-<number>.pdf. */
  fileName(model: InvoiceDocumentModel): string;
}

/** The PDF attached to an email: a Factur-X PDF, or the plain PDF and why (`refusal`) it is not a Factur-X one. */
export type EmailPdf = EinvoiceFile & ({ facturX: true } | { facturX: false; refusal: EinvoiceRefusal });

/**
 * The one builder of invoice documents: GET /invoices/{id}/document(.pdf) serve what it builds, and invoice emails
 * attach the same PDF. Token metadata (symbol, decimals) comes from {@link tokenMetadata} (cached for an hour).
 */
export function invoiceDocuments(deps: DocumentDeps, now: () => number): InvoiceDocuments {
  const tokens = tokenMetadata(deps, now);

  /** Symbol and decimals of the invoice's token (ETH for the zero address), from the token contract. */
  async function tokenInfo(address: string, chainId: number): Promise<TokenInfo> {
    const info = await tokens.read(address, chainId);
    if (info) return { address: info.address, symbol: info.symbol, decimals: info.decimals };
    // Without usable metadata, amounts stay in base units, named by the address.
    const checksummed = getAddress(address);
    return { address: checksummed, symbol: `units of ${checksummed.slice(0, 8)}…`, decimals: 0 };
  }

  return {
    tokenInfo,
    async source(record, creditNote) {
      // The invoice's own chain: its name, its escrow and its tokens on the documents.
      const deployment = chainsOf(deps).require(recordChainId(record)).current;
      const { row, loaded } = record;
      const merchant = row?.merchant ?? loaded!.draft.merchant;
      const payer = row?.payer ?? loaded?.draft.payer ?? null;
      const profile = async (address: string | null): Promise<UsersTable | undefined> =>
        address === null
          ? undefined
          : deps.db.selectFrom("users").selectAll().where("address", "=", getAddress(address)).executeTakeFirst();
      const events = row ? await deps.index.invoiceEvents(row.id, row.chainId) : [];
      const inputs: DocumentInputs = {
        draft: loaded,
        row,
        events,
        profiles: { merchant: await profile(merchant), payer: await profile(payer) },
        token: await tokenInfo(row?.token ?? loaded!.draft.token, deployment.chainId),
        chainId: deployment.chainId,
        escrow: deployment.contracts.PaymentEscrow.address,
        generatedAt: now(),
      };
      if (creditNote === undefined) return { inputs };
      const notes = row && loaded ? await issueCreditNotes(deps.db, row, loaded, events, now()) : [];
      const note = notes.find((n) => n.number === creditNote);
      if (!note) throw new ApiError(404, "credit_note_not_found", `This invoice has no credit note ${creditNote}`);
      return { inputs, note };
    },
    async model(record, creditNote) {
      return this.modelOf(await this.source(record, creditNote));
    },
    modelOf: ({ inputs, note }) => (note ? buildCreditNoteDocument(inputs, note) : buildInvoiceDocument(inputs)),
    einvoice: ({ inputs, note }, format) =>
      renderEinvoice(inputs, format, { note, deployedTokens: chainsOf(deps).require(inputs.chainId).current.tokens }),
    async emailPdf(source, model) {
      try {
        return { ...(await this.einvoice(source, "facturx")), facturX: true };
      } catch (error) {
        if (!(error instanceof EinvoiceRefusal)) throw error;
        const bytes = new Uint8Array(await renderInvoicePdf(model));
        return { bytes, mediaType: "application/pdf", fileName: this.fileName(model), facturX: false, refusal: error };
      }
    },
    pdf: renderInvoicePdf,
    fileName: (m) => (m.status.code === "credit_note" ? `credit-note-${m.number}.pdf` : `invoice-${m.onchainId ?? m.draftId}.pdf`),
  };
}
