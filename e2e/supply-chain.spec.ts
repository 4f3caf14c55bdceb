import type { Page } from '@playwright/test'
import { expect, openApp, test } from './fixtures'

// Issue 13: the image page's Supply chain tab in Chromium, by roles and names. The archived image
// listed with its status in the images list is graph.spec.ts's first test (demo/archive).
test.beforeEach(async ({ page, bridge }) => {
  await openApp(page, bridge)
  await page.getByRole('button', { name: 'Open demo registry' }).click()
  await expect(page.getByRole('table', { name: 'Repositories' })).toBeVisible()
})

const tagLink = (tag: string) => new RegExp(`(^|, )${tag.replaceAll('.', '\\.')}(,|$)`)

/** Opens demo/signed:<tag> from the lists, then its Supply chain tab; gives the image's digest. */
async function openSupplyChain(page: Page, tag: string): Promise<string> {
  await page.getByRole('searchbox', { name: 'Filter repositories' }).fill('demo/signed')
  await page
    .getByRole('table', { name: 'Repositories' })
    .getByRole('link', { name: 'demo/signed', exact: true })
    .click()
  await page
    .getByRole('table', { name: 'Images' })
    .getByRole('link', { name: tagLink(tag) })
    .click()
  await expect(page.getByRole('heading', { level: 1, name: `demo/signed:${tag}` })).toBeVisible()
  const digest = /images\/(sha256:[a-f0-9]{64})/.exec(decodeURIComponent(page.url()))?.[1]
  expect(digest).toBeTruthy()
  await page
    .getByRole('tablist', { name: 'Image views' })
    .getByRole('tab', { name: /^Supply chain/ })
    .click()
  await expect(page.getByRole('list', { name: 'Referrers of this image' })).toBeVisible()
  return digest!
}

/** The referrers directly on the image (not those on a referrer). */
const direct = (page: Page) =>
  page.getByRole('list', { name: 'Referrers of this image' }).locator(':scope > li > article')

async function verifyWithDemoKey(page: Page) {
  await direct(page)
    .getByRole('link', { name: /^Signature \(cosign\)/ })
    .first()
    .click()
  const form = page.getByRole('form', { name: 'Verify with a public key' })
  await form.getByRole('button', { name: 'Use the demo key' }).click()
  await expect(form.getByRole('textbox', { name: 'Public key (PEM)' })).toHaveValue(
    /^-----BEGIN PUBLIC KEY-----/,
  )
  await form.getByRole('button', { name: 'Verify', exact: true }).click()
  return form.getByRole('status')
}

test('demo/signed:1.0: its referrers in words, the SBOM’s own signature under it, and ECR managed signing', async ({
  page,
}) => {
  await openSupplyChain(page, '1.0')
  const tab = page.getByRole('tab', { name: /^Supply chain/ })
  await expect(tab).toHaveText(/Supply chain\s*\d+/)
  for (const kind of [
    'SBOM (SPDX)',
    'SBOM (CycloneDX)',
    'Provenance (SLSA)',
    'Signature (Notation)',
    'Signature (cosign)',
  ]) {
    await expect(
      direct(page)
        .getByRole('link', { name: new RegExp(`^${kind.replace(/[()]/g, '\\$&')}`) })
        .first(),
    ).toBeVisible()
  }
  // A signature on the SBOM is listed under the SBOM.
  const spdx = direct(page).filter({ has: page.getByRole('link', { name: /^SBOM \(SPDX\)/ }) })
  const spdxName = await spdx.getAttribute('aria-label')
  await expect(
    page.getByRole('list', { name: `Referrers of ${spdxName}` }).getByRole('link', {
      name: /^Signature \(cosign\)/,
    }),
  ).toBeVisible()
  await expect(spdx).toContainText('Active')
  await expect(spdx).toContainText('application/spdx+json')

  const signing = page.getByRole('list', { name: 'ECR managed signing of this image' })
  await expect(signing.getByRole('listitem').filter({ hasText: 'demo_release' })).toContainText(
    'Complete',
  )
  await expect(signing.getByRole('listitem').filter({ hasText: 'demo_audit' })).toContainText(
    /Failed.*revoked.*\(SigningProfileRevoked\)/,
  )
})

test('verify 1.0’s cosign signature with the demo’s key: valid, covers this image', async ({
  page,
}) => {
  const digest = await openSupplyChain(page, '1.0')
  const detail = page.getByRole('region', { name: /^Signature \(cosign\)/ })
  const status = await verifyWithDemoKey(page)
  await expect(status).toContainText('Valid — covers this image')
  await expect(status).toContainText(digest)
  await expect(detail.getByText(`(the digest of this image)`)).toBeVisible()
})

test('a copied signature verifies, but covers another digest; an unpublished key’s does not verify', async ({
  page,
}) => {
  const signed = await openSupplyChain(page, '1.0')
  await page.getByRole('link', { name: 'demo/signed', exact: true }).click()
  await page
    .getByRole('table', { name: 'Images' })
    .getByRole('link', { name: tagLink('1.0-copied-signature') })
    .click()
  await page.getByRole('tab', { name: /^Supply chain/ }).click()
  const copied = await verifyWithDemoKey(page)
  await expect(copied).toContainText(`Valid signature, but it covers another digest: ${signed}`)
  await expect(copied).not.toContainText('covers this image')

  await page.getByRole('link', { name: 'demo/signed', exact: true }).click()
  await page
    .getByRole('table', { name: 'Images' })
    .getByRole('link', { name: tagLink('1.0-unknown-signer') })
    .click()
  await page.getByRole('tab', { name: /^Supply chain/ }).click()
  const unknown = await verifyWithDemoKey(page)
  await expect(unknown).toContainText('Does not verify with this key')
})

test('a pasted key that is not a public key is refused in words, with what to do', async ({
  page,
}) => {
  await openSupplyChain(page, '1.0')
  await direct(page)
    .getByRole('link', { name: /^Signature \(cosign\)/ })
    .first()
    .click()
  const form = page.getByRole('form', { name: 'Verify with a public key' })
  await form.getByRole('textbox', { name: 'Public key (PEM)' }).fill('not a key')
  await form.getByRole('button', { name: 'Verify', exact: true }).click()
  await expect(form.getByRole('status')).toContainText('This key can’t be used')
  await expect(form.getByRole('status')).toContainText('-----BEGIN PUBLIC KEY-----')
})

test('open the SPDX SBOM, find a package by search, and follow its file into the layer tree', async ({
  page,
}) => {
  await openSupplyChain(page, '1.0')
  await direct(page)
    .getByRole('link', { name: /^SBOM \(SPDX\)/ })
    .click()
  const detail = page.getByRole('region', { name: /^SBOM \(SPDX\)/ })
  await expect(detail).toContainText('SPDX 2.')
  await expect(detail.getByText('3 of 3 packages')).toBeVisible()
  await detail.getByRole('searchbox', { name: 'Filter packages' }).fill('libhello')
  await expect(detail.getByText('1 of 3 packages')).toBeVisible()
  const table = detail.getByRole('table', { name: 'Packages' })
  await expect(table.getByRole('row')).toHaveCount(2)
  await expect(table).toContainText('MIT')
  await table.getByRole('link', { name: /^libhello/ }).click()

  const pkg = page.getByRole('region', { name: 'Package libhello 2.3.1-r0' })
  await expect(pkg).toContainText('pkg:apk/demo/libhello@2.3.1-r0')
  await pkg.getByRole('link', { name: 'Show /usr/lib/libhello.so.2 in the files' }).click()
  await expect(page.getByRole('tab', { name: 'Files', selected: true })).toBeVisible()
  expect(decodeURIComponent(page.url())).toContain('path=usr/lib/libhello.so.2')
  await expect(page.getByRole('treegrid', { name: 'Files' })).toContainText('libhello.so.2')
})

test('open the provenance: builder, source repository and commit in words, the raw statement one click away', async ({
  page,
}) => {
  await openSupplyChain(page, '1.0')
  await direct(page)
    .getByRole('link', { name: /^Provenance \(SLSA\)/ })
    .click()
  const detail = page.getByRole('region', { name: /^Provenance \(SLSA\)/ })
  await expect(detail).toContainText('SLSA provenance v1')
  await expect(detail).toContainText('https://github.com/example/greeter')
  await expect(detail).toContainText('4f1c9e2b7a6d5c3e8f0a1b2c3d4e5f60718293a4')
  await detail.getByRole('button', { name: 'Show raw statement' }).click()
  await expect(detail.getByRole('figure', { name: 'In-toto statement' })).toContainText(
    'https://slsa.dev/provenance/v1',
  )
})

test('View raw shows a referrer’s manifest and its blob as the registry stored them', async ({
  page,
}) => {
  await openSupplyChain(page, '1.0')
  const spdx = direct(page).filter({ has: page.getByRole('link', { name: /^SBOM \(SPDX\)/ }) })
  await spdx.getByRole('link', { name: /^View raw/ }).click()
  const detail = page.getByRole('region', { name: /^SBOM \(SPDX\)/ })
  await expect(
    detail.getByRole('figure', { name: /^Manifest JSON of SBOM \(SPDX\)/ }),
  ).toContainText('"subject"')
  await expect(
    detail.getByRole('figure', { name: 'Blob 1 of 1: application/spdx+json' }),
  ).toContainText('SPDX-2.')
})

test('a keyless Sigstore bundle: the certificate identity and the offline verdict in words', async ({
  page,
}) => {
  await openSupplyChain(page, '1.0-keyless')
  await direct(page)
    .getByRole('link', { name: /^Signature \(Sigstore bundle, keyless\)/ })
    .click()
  const detail = page.getByRole('region', { name: /^Signature \(Sigstore bundle, keyless\)/ })
  await expect(detail).toContainText('Identity')
  await expect(detail).toContainText('brian@dehamer.com')
  // The demo serves sigstore-js's own test vector, which signs another artifact than this image.
  const verdict = detail.getByRole('status')
  await expect(verdict).toContainText(
    /Valid signature, but it covers another digest: sha256:[a-f0-9]{64}/,
  )
  await expect(verdict).toContainText('do not treat this image as signed')
  await expect(verdict).not.toContainText('covers this image')
})
