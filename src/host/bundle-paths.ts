/** Names inside a `collect` bundle. */
export const MANIFEST_FILE = '/wireseal-bundle.json';
export const BUNDLE_SCHEMA_VERSION = '1.0';
