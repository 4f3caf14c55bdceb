import { describe, expect, it } from 'vitest'
import { isAllowedExternalUrl } from './platform'

// A finding's vulnerability id links to its advisory; only the well-known databases, by id.
describe('isAllowedExternalUrl for scan advisories', () => {
  it('allows the advisory pages of the vulnerability databases findings cite', () => {
    for (const url of [
      'https://nvd.nist.gov/vuln/detail/CVE-2023-38545',
      'https://www.cve.org/CVERecord?id=CVE-2021-44906',
      'https://github.com/advisories/GHSA-xvch-5gv4-984h',
      'https://security.alpinelinux.org/vuln/CVE-2023-5363',
      'https://security-tracker.debian.org/tracker/CVE-2023-38545',
      'https://ubuntu.com/security/CVE-2024-0727',
      'https://access.redhat.com/security/cve/CVE-2023-45853',
      'https://alas.aws.amazon.com/AL2023/ALAS-2023-123.html',
    ]) {
      expect(isAllowedExternalUrl(url), url).toBe(true)
    }
  })

  it('refuses anything else on those hosts, look-alike hosts, and other schemes', () => {
    for (const url of [
      'http://nvd.nist.gov/vuln/detail/CVE-2023-38545',
      'https://nvd.nist.gov/vuln/detail/CVE-2023-38545/../../evil',
      'https://nvd.nist.gov/vuln/detail/CVE-2023-38545?x=1',
      'https://nvd.nist.gov.evil.example/vuln/detail/CVE-2023-38545',
      'https://evil@nvd.nist.gov/vuln/detail/CVE-2023-38545',
      'https://github.com/evil/repo',
      'https://github.com/advisories?query=CVE-2023-38545',
      'https://security-tracker.debian.org/tracker/../../x',
      'javascript:alert(1)',
      'https://example.com/CVE-2023-38545',
    ]) {
      expect(isAllowedExternalUrl(url), url).toBe(false)
    }
  })
})
