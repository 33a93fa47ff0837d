import { describe, expect, it } from 'vitest';
import { linkedInUrl } from '../../../web/src/linkedin.ts';

/** The add-to-profile link a learner follows from a badge page (web/src/linkedin.ts). */
describe("LinkedIn's add-to-profile link", () => {
  const badge = {
    name: 'Data Analyst Foundations & SQL',
    organisation: 'Northfield Technical College',
    issuedAt: '2026-03-31T23:30:00Z',
    url: 'http://127.0.0.1:3000/credentials/urn:uuid:1f0e/verify?x=1&y=2',
    id: 'urn:uuid:1f0e',
  };

  it('fills the certification form, every value URL-encoded', () => {
    const url = new URL(linkedInUrl(badge));

    expect(`${url.origin}${url.pathname}`).toBe('https://www.linkedin.com/profile/add');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      startTask: 'CERTIFICATION_NAME',
      name: 'Data Analyst Foundations & SQL',
      organizationName: 'Northfield Technical College',
      issueYear: '2026',
      issueMonth: '3',
      certUrl: 'http://127.0.0.1:3000/credentials/urn:uuid:1f0e/verify?x=1&y=2',
      certId: 'urn:uuid:1f0e',
    });
    // The raw query keeps the credential URL's own & and ? inside its one parameter.
    expect(linkedInUrl(badge)).toContain(
      'certUrl=http%3A%2F%2F127.0.0.1%3A3000%2Fcredentials%2Furn%3Auuid%3A1f0e%2Fverify%3Fx%3D1%26y%3D2',
    );
    expect(linkedInUrl(badge)).toContain('name=Data+Analyst+Foundations+%26+SQL');
  });

  it('adds the expiry month and year when the badge expires, in UTC', () => {
    const url = new URL(linkedInUrl({ ...badge, validUntil: '2029-01-01T00:30:00+01:00' }));

    expect(url.searchParams.get('expirationYear')).toBe('2028');
    expect(url.searchParams.get('expirationMonth')).toBe('12');
  });

  it('leaves out a date it cannot read rather than sending NaN', () => {
    const url = new URL(linkedInUrl({ ...badge, issuedAt: 'not a date', validUntil: 'never' }));

    expect(url.searchParams.has('issueYear')).toBe(false);
    expect(url.searchParams.has('expirationYear')).toBe(false);
    expect(url.toString()).not.toContain('NaN');
  });
});
