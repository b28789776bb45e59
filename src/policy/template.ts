/** The commented policy template written by `wireseal policy init`. It is valid as written (a test checks). */
export const POLICY_TEMPLATE = `# wireseal policy (--policy FILE). Flags given on the command line override these keys.
# Check it with: wireseal policy check FILE
version: 1

tls:
  # Lowest acceptable TLS version on the wire: "1.2" or "1.3".
  minVersion: "1.2"
  # Lowest acceptable cipher grade: strong (AEAD with forward secrecy) or weak (also CBC, RSA key exchange).
  minGrade: strong
  # Only these IANA suites are acceptable (on top of minVersion and minGrade). Leave out to allow any.
  # allowedSuites: [TLS_AES_256_GCM_SHA384, TLS_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384]
  # A TLS tunnel that does not verify the server certificate is a finding (judged from the host config given
  # with --host-root or --local: TLS 1.3 hides certificates on the wire).
  requireCertificateVerification: true

# The mechanism each server (address) or mount point must use: tls, rpc-with-tls, krb5p, dtls.
# mechanisms:
#   - server: 198.51.100.21
#     allow: [tls]
#   - mount: /mnt/projects
#     allow: [rpc-with-tls, krb5p]

# Cleartext accepted for a while, with a reason. Past its expiry date an exception is a finding (EXCEPTION-EXPIRED)
# and accepts nothing. A run that passes only thanks to an exception is "accepted", never "verified".
# exceptions:
#   - server: 198.51.100.20
#     reason: legacy filer, migration ticket OPS-1234
#     expires: 2027-03-31

# What a run that saw no NFS traffic on the wire gives: fail (exit 1), inconclusive (exit 4), pass (exit 0).
noNfsSeen: inconclusive

# The lowest finding severity that fails the run: critical, high, medium, low or info.
failOn: medium

junit:
  # An inconclusive run in JUnit reports: a failed test case (fail) or a skipped one (skip).
  inconclusive: fail
`;
