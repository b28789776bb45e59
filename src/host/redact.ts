/**
 * Secret redaction for what `collect` copies from logs and command lines: values of key/token/password/PSK-like
 * settings, private key blocks, AWS access key ids, bearer tokens and long opaque blobs. Pure.
 */

const MARK = '<redacted>';

/** `name=value`, `name: value`, `--name value` where the name says it holds a secret. */
const KEYED =
  /((?:^|[\s,;{"'-])(?:[\w.-]*?(?:pass(?:word|wd|phrase)?|secret|token|psk(?:secrets?|identity)?|api[_-]?key|access[_-]?key|private[_-]?key|session[_-]?key|credential|auth(?:orization)?|sas|sig|key))["']?\s*(?:=|:|\s)\s*["']?)([^\s"',;}]+)/gi;
const PEM = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g;
const AWS_KEY_ID = /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
/** Base64 or hex runs of 32+ characters: keys, tokens, signatures (paths and ids are shorter or have separators). */
const BLOB = /\b[A-Za-z0-9+/]{32,}={0,2}/g;

/** One text with every recognised secret replaced by `<redacted>`. */
export function redactSecrets(text: string): string {
  return text
    .replace(PEM, '<redacted-private-key>')
    .replace(BEARER, `$1 ${MARK}`)
    .replace(KEYED, (_m, head: string, value: string) => (value === MARK ? `${head}${value}` : `${head}${MARK}`))
    .replace(AWS_KEY_ID, MARK)
    .replace(BLOB, MARK);
}

/** The last `n` lines of a text (the tail of a log). */
export function lastLines(text: string, n: number): string {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.slice(-n).join('\n') + (lines.length > 0 ? '\n' : '');
}
