/**
 * The JSON Schema of the policy file (`--policy wireseal.yaml`), shipped in the package and printed by
 * `wireseal policy schema`. docs/policy.md describes each key.
 */
export const POLICY_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://wireseal.invalid/schemas/policy-1.json',
  title: 'wireseal policy file, version 1',
  type: 'object',
  additionalProperties: false,
  required: ['version'],
  properties: {
    version: { const: 1, description: 'policy file format version' },
    tls: {
      type: 'object',
      additionalProperties: false,
      properties: {
        minVersion: { enum: ['1.2', '1.3', 1.2, 1.3], description: 'lowest acceptable TLS version' },
        minGrade: { enum: ['strong', 'weak'], description: 'lowest acceptable cipher grade' },
        allowedSuites: {
          type: 'array',
          items: { type: 'string', pattern: '^(TLS|SSL)_[A-Z0-9_]+$' },
          uniqueItems: true,
          minItems: 1,
          description: 'IANA names of the only acceptable suites (on top of minVersion and minGrade)',
        },
        requireCertificateVerification: {
          type: 'boolean',
          description: 'a tunnel that does not verify the server certificate is a finding (judged from host config)',
        },
      },
    },
    mechanisms: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['allow'],
        oneOf: [{ required: ['server'] }, { required: ['mount'] }],
        properties: {
          server: { type: 'string', minLength: 1 },
          mount: { type: 'string', pattern: '^/' },
          allow: {
            type: 'array',
            minItems: 1,
            uniqueItems: true,
            items: { enum: ['tls', 'rpc-with-tls', 'krb5p', 'dtls'] },
          },
        },
      },
    },
    exceptions: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['reason', 'expires'],
        oneOf: [{ required: ['server'] }, { required: ['mount'] }],
        properties: {
          server: { type: 'string', minLength: 1 },
          mount: { type: 'string', pattern: '^/' },
          reason: { type: 'string', minLength: 3 },
          expires: { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$' },
        },
      },
    },
    noNfsSeen: { enum: ['fail', 'inconclusive', 'pass'], description: 'what a run with no NFS on the wire gives' },
    failOn: {
      enum: ['critical', 'high', 'medium', 'low', 'info'],
      description: 'lowest severity that fails the run',
    },
    junit: {
      type: 'object',
      additionalProperties: false,
      properties: { inconclusive: { enum: ['fail', 'skip'] } },
    },
  },
} as const;
