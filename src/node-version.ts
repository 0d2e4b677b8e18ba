import semver from "semver";

/** Why this Node cannot run the API, or null. The range is package.json's `engines.node`. */
export function nodeVersionProblem(version: string, range: string): string | null {
  return semver.satisfies(version, range) ? null : `Node ${version} is too old: this API needs Node ${range}.`;
}
