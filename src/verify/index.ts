/**
 * src/verify: policy and cross-reference. Turns flow verdicts and the host inventory into findings; reads no
 * files and no packets itself.
 */
export { crossReference } from './crossref.js';
export { findingsExitCode } from './exit-code.js';
