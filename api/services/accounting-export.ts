import { zipSync } from "fflate";
import type { AppDb } from "../db";
import type { IndexReader } from "../index/reader";
import type { AppDeps } from "../middleware/context";
import { csvDocument } from "../lib/csv";
import { storedTaxes } from "../documents/stored";
import { EINVOICE_DOWNLOADS, type EinvoiceDownload } from "../../core/einvoice";
import { chainName } from "../../core/chains";
import { EinvoiceRefusal } from "../../einvoice/refusal";
import { documentSources } from "./document-sources";
import { compactPayments, invoicePayments } from "./invoice-payments";

/** The export's formats: the CSV alone, or a ZIP of the CSV and each document's e-invoice in one of the formats. */
export const EXPORT_FORMATS = ["csv", ...(Object.keys(EINVOICE_DOWNLOADS) as EinvoiceDownload[])] as const;

/** One of {@link EXPORT_FORMATS}. */
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/**
 * The fixed columns of the export; one `tax_<rate>` column per rate met in the period goes after `net`. `chain_id` and
 * `chain_name` name the chain of `onchain_id` (invoice ids repeat across chains).
 */
export const EXPORT_COLUMNS = [
  "kind",
  "number",
  "refers_to",
  "issued",
  "due",
  "customer",
  "customer_vat",
  "token",
  "net",
  "TAXES",
  "gross",
  "paid",
  "released",
  "refunded",
  "fees",
  "status",
  "chain_id",
  "chain_name",
  "onchain_id",
  "tx_hashes",
  "payments",
] as const;

/** The column a ZIP export adds: the document's e-invoice file in the ZIP, or the code of the refusal when it cannot be one. */
export const EINVOICE_COLUMN = "einvoice";

/** One row of the export: an invoice or a credit note. Amounts are base units of `token` (decimal text). */
export type ExportRow = Record<string, string>;

/** The chain columns of a row of chain `chainId`. */
const chainColumns = (chainId: number) => ({ chain_id: String(chainId), chain_name: chainName(chainId) });

const day = (unixSeconds: number | bigint) => new Date(Number(unixSeconds) * 1000).toISOString().slice(0, 10);

/**
 * The rows of `merchant`'s numbered invoices created on chain in [from, to) and of its credit notes issued in that
 * time, by date then number, and the tax columns they need. Invoice figures come from the index (paid, released,
 * refunded, fees, status) and the draft (net, taxes, customer); credit notes' from their records. Amounts are base
 * units so that the export reconciles with the index to the unit.
 */
export async function exportRows(db: AppDb, index: IndexReader, merchant: string, from: bigint, to: bigint) {
  const rows: Array<ExportRow & { sortKey: string }> = [];
  const rates = new Set<string>();
  const drafts = await db
    .selectFrom("invoice_drafts")
    .selectAll()
    .where("merchant", "=", merchant)
    .where("number", "is not", null)
    .execute();
  // By draft: an on-chain id alone may be on several chains.
  const byDraft = new Map(drafts.map((d) => [d.id, d]));
  for (const d of drafts) {
    const row = await index.invoice(BigInt(d.onchain_id!), d.chain_id);
    if (!row || row.createdTimestamp < from || row.createdTimestamp >= to) continue;
    const customer = d.customer === null ? null : (JSON.parse(d.customer) as { name?: string; vatNumber?: string | null });
    const taxes = storedTaxes(d);
    for (const t of taxes) rates.add(t.rate);
    const events = await index.invoiceEvents(row.id, row.chainId);
    const payments = await invoicePayments(index, row);
    rows.push({
      sortKey: `${day(row.createdTimestamp)} ${d.number}`,
      kind: "invoice",
      number: d.number!,
      refers_to: "",
      issued: day(row.createdTimestamp),
      due: day(row.dueDate),
      customer: customer?.name ?? row.payer ?? "",
      customer_vat: customer?.vatNumber ?? "",
      token: row.token,
      net: d.subtotal ?? d.total,
      ...Object.fromEntries(taxes.map((t) => [`tax_${t.rate}`, t.amount])),
      gross: row.amount.toString(),
      paid: row.paid.toString(),
      released: row.released.toString(),
      refunded: row.refunded.toString(),
      fees: row.fees.toString(),
      status: row.status,
      ...chainColumns(row.chainId),
      onchain_id: row.id.toString(),
      tx_hashes: [...new Set(events.map((e) => e.txHash))].join(" "),
      payments: compactPayments(payments),
    });
  }
  const notes = await db
    .selectFrom("credit_notes")
    .selectAll()
    .where("merchant", "=", merchant)
    .where("issued_at", ">=", Number(from))
    .where("issued_at", "<", Number(to))
    .execute();
  for (const note of notes) {
    const taxes = JSON.parse(note.taxes) as Array<{ rate: string; amount: string }>;
    for (const t of taxes) rates.add(t.rate);
    const draft = byDraft.get(note.draft_id);
    const row = await index.invoice(BigInt(note.invoice_id), note.chain_id);
    rows.push({
      sortKey: `${day(note.issued_at)} ${note.number}`,
      kind: "credit_note",
      number: note.number,
      refers_to: draft?.number ?? "",
      issued: day(note.issued_at),
      due: "",
      customer: row?.payer ?? "",
      customer_vat: "",
      token: row?.token ?? "",
      net: note.net,
      ...Object.fromEntries(taxes.map((t) => [`tax_${t.rate}`, t.amount])),
      gross: note.amount,
      status: "credit_note",
      ...chainColumns(note.chain_id),
      onchain_id: note.invoice_id,
      tx_hashes: note.tx_hash,
      payments: "",
    });
  }
  rows.sort((a, b) => (a.sortKey < b.sortKey ? -1 : 1));
  const taxColumns = [...rates].sort((a, b) => Number(a) - Number(b)).map((rate) => `tax_${rate}`);
  const columns = EXPORT_COLUMNS.flatMap((col) => (col === "TAXES" ? taxColumns : [col]));
  return { columns, rows };
}

/** An export as served: its bytes, media type and file name. */
export interface ExportFile {
  readonly bytes: Uint8Array;
  readonly mediaType: string;
  readonly fileName: string;
}

/**
 * `merchant`'s export of [from, to) in `format`: the CSV of {@link exportRows}, or a ZIP holding that CSV with an
 * {@link EINVOICE_COLUMN} column and, per invoice and credit note that can be one, its e-invoice: the same bytes as
 * GET /invoices/{id}/einvoice serves.
 */
export async function exportFile(deps: AppDeps, merchant: string, from: bigint, to: bigint, format: ExportFormat): Promise<ExportFile> {
  const { columns, rows } = await exportRows(deps.db, deps.index, merchant, from, to);
  const name = `settle-invoices-${from}-${to}`;
  if (format === "csv") {
    return { bytes: new TextEncoder().encode(csvDocument(columns, rows)), mediaType: "text/csv; charset=utf-8", fileName: `${name}.csv` };
  }
  const { locate, einvoice } = documentSources(deps);
  const files: Record<string, Uint8Array> = {};
  for (const row of rows) {
    const record = await locate(row.onchain_id!, Number(row.chain_id));
    try {
      const file = await einvoice(record, format, row.kind === "credit_note" ? row.number : undefined);
      files[file.fileName] = file.bytes;
      row[EINVOICE_COLUMN] = file.fileName;
    } catch (error) {
      if (!(error instanceof EinvoiceRefusal)) throw error;
      row[EINVOICE_COLUMN] = error.code;
    }
  }
  const csv = new TextEncoder().encode(csvDocument([...columns, EINVOICE_COLUMN], rows));
  return { bytes: zipSync({ [`${name}.csv`]: csv, ...files }), mediaType: "application/zip", fileName: `${name}-${format}.zip` };
}
