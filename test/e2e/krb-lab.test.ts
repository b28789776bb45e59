/**
 * The recorded Kerberos lab captures (captures/lab-krb, made by lab/kerberos/make-krb-captures.sh: MIT KDC,
 * nfs-ganesha with SecType krb5/krb5i/krb5p, the lab's RPCSEC_GSS client): issue 12's acceptance on real bytes,
 * without root. The lab tests (test/lab/krb-lab.test.ts) run the same assertions on a fresh run.
 */
import { describe } from 'vitest';
import { krbLabTests } from '../helpers/krb-lab.js';

describe('recorded Kerberos lab captures (captures/lab-krb)', () => {
  krbLabTests(() => 'captures/lab-krb');
});
