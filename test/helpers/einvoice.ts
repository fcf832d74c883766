import { ArtifactsMissingError, locateArtifacts, type Artifacts } from "../../einvoice/validate";

/** The CEN artefacts when they are where EN16931_ARTIFACTS says, else undefined (to list examples at load time). */
export function artifactsIfPresent(): Artifacts | undefined {
  try {
    return locateArtifacts();
  } catch (error) {
    if (error instanceof ArtifactsMissingError) return undefined;
    throw error;
  }
}

/**
 * For a conformance suite's `before` hook: the CEN artefacts, or the suite skipped with the reason printed; under CI=true
 * their absence fails the run instead.
 */
export function artifactsOrSkip(context: Mocha.Context): Artifacts {
  try {
    return locateArtifacts();
  } catch (error) {
    if (!(error instanceof ArtifactsMissingError) || process.env.CI === "true") throw error;
    console.log(`      skipped: ${error.message}`);
    context.skip();
  }
}
