// settle:einvoice — downloads an invoice's (or credit note's) e-invoice from the API into a file.
import { writeFile } from "node:fs/promises";
import { EINVOICE_FORMATS, isEinvoiceDownload } from "../core/einvoice";
import { resolveSigner } from "./lib/args";
import { DEFAULT_API_URL, apiRefusal, callApi, signInToApi } from "./lib/api";
import { CliError, runCli } from "./lib/cli";
import { output, readingTask } from "./lib/task";

/** settle:einvoice's arguments. */
interface EinvoiceArgs {
  id: string;
  format: string;
  out: string;
  creditNote?: string;
  api: string;
  from?: string;
  share?: string;
  json: boolean;
}

/** The query string of the download, after the arguments are checked. */
function downloadQuery(args: EinvoiceArgs): URLSearchParams {
  if (!/^\d+$/.test(args.id) || BigInt(args.id) === 0n) throw new CliError(`bad --id "${args.id}": on-chain ids are whole numbers from 1`);
  if (!isEinvoiceDownload(args.format)) throw new CliError(`bad --format "${args.format}": use ${EINVOICE_FORMATS.join(", ")}`);
  if (args.creditNote !== undefined && !/^CN-\S{1,61}$/.test(args.creditNote))
    throw new CliError(`bad --credit-note "${args.creditNote}": use a credit note's number such as CN-INV-2026-0001`);
  if (args.share !== undefined && args.from !== undefined) throw new CliError("give --from or --share, not both");
  if (args.share !== undefined && !/^[A-Za-z0-9_-]{43}$/.test(args.share))
    throw new CliError("bad --share: a share link's token is the 43 characters after ?share= in its URL");
  const query = new URLSearchParams({ format: args.format });
  if (args.creditNote !== undefined) query.set("creditNote", args.creditNote);
  if (args.share !== undefined) query.set("share", args.share);
  return query;
}

readingTask("settle:einvoice", "Downloads an invoice's e-invoice (Factur-X PDF, UBL or CII) from the Settle API into a file")
  .addParam("id", "the invoice's on-chain id")
  .addParam("format", `${EINVOICE_FORMATS.join(", ")}`)
  .addParam("out", "the file to write")
  .addOptionalParam("creditNote", "one of the invoice's credit notes (CN-…): that credit note's e-invoice")
  .addOptionalParam("api", "the Settle API", DEFAULT_API_URL)
  .addOptionalParam("from", "sign in as this account (an index or an address; default 0): the invoice's merchant or payer")
  .addOptionalParam("share", "a share link's token instead of signing in")
  .setAction(async (args: EinvoiceArgs, hre) =>
    runCli(async () => {
      const query = downloadQuery(args);
      const headers: Record<string, string> = {};
      if (args.share === undefined) {
        const signer = await resolveSigner(hre, args.from);
        headers.Authorization = `Bearer ${await signInToApi(args.api, signer)}`;
      }
      const response = await callApi(args.api, `/invoices/${args.id}/einvoice?${query}`, { headers });
      if (!response.ok) throw new CliError(`the API refused the e-invoice of invoice ${args.id} (${await apiRefusal(response)})`);
      const bytes = new Uint8Array(await response.arrayBuffer());
      const fileName = /filename="([^"]+)"/.exec(response.headers.get("content-disposition") ?? "")?.[1] ?? "";
      try {
        await writeFile(args.out, bytes);
      } catch (error) {
        throw new CliError(`cannot write ${args.out}: ${(error as Error).message}`);
      }
      const mediaType = response.headers.get("content-type") ?? "";
      output(args.json, `wrote ${fileName} (${args.format}, ${bytes.length} bytes) to ${args.out}`, {
        out: args.out,
        fileName,
        format: args.format,
        mediaType,
        bytes: bytes.length,
      });
    }),
  );
