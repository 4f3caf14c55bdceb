import {
  DescribeImageScanFindingsCommand,
  DescribeImagesCommand,
  ECRClient,
  type EnhancedImageScanFinding,
} from '@aws-sdk/client-ecr'
import { readFile } from 'node:fs/promises'
import type { Page } from '@playwright/test'
import { expect, launchBridge, openApp, test } from './fixtures'

/** From the repositories list to the Findings tab of demo/scanned:<tag>, by clicking. */
async function openFindings(page: Page, tag: string) {
  await page.getByRole('searchbox', { name: 'Filter repositories' }).fill('demo/scanned')
  await page
    .getByRole('table', { name: 'Repositories' })
    .getByRole('link', { name: 'demo/scanned', exact: true })
    .click()
  await page
    .getByRole('table', { name: 'Images' })
    .getByRole('link', { name: new RegExp(`(^|, )${tag.replace(/\./g, '\\.')}(,|$)`) })
    .click()
  await page
    .getByRole('tablist', { name: 'Image views' })
    .getByRole('tab', { name: 'Findings' })
    .click()
}

test.describe('in the demo registry', () => {
  test.beforeEach(async ({ page, bridge }) => {
    await openApp(page, bridge)
    await page.getByRole('button', { name: 'Open demo registry' }).click()
    await expect(page.getByRole('table', { name: 'Repositories' })).toBeVisible()
  })

  test("open demo/scanned:1.0's findings, filter to critical, open a finding's detail and see its deleted-later file explained", async ({
    page,
  }) => {
    test.slow()
    await openFindings(page, '1.0')
    const table = page.getByRole('table', { name: 'Findings' })
    await expect(page.getByText('8 of 8 findings')).toBeVisible()

    await page.getByRole('checkbox', { name: 'critical' }).check()
    await expect(page.getByText('3 of 8 findings')).toBeVisible()
    await expect(table.getByText('CVE-2023-38545')).toBeVisible()
    await page.getByRole('checkbox', { name: 'critical' }).uncheck()

    await page.getByRole('searchbox', { name: 'Filter findings' }).fill('usr/bin/curl')
    await expect(page.getByText('1 of 8 findings')).toBeVisible()
    await table.getByText('CVE-2023-46218').click()
    const detail = page.getByRole('region', { name: 'Finding CVE-2023-46218' })
    await expect(detail.getByText('usr/bin/curl')).toBeVisible()
    await expect(
      detail.getByText(/deletes this file: the finding may no longer apply to the final image/),
    ).toBeVisible()
    await expect(detail.getByRole('link', { name: 'Show in layer' })).toBeVisible()
  })

  test('from a finding, Show in layer opens its file in the layer tree, selected, badged, and says a later layer deletes it', async ({
    page,
  }) => {
    // Two file views of a 4-layer image, each read from its layers: slow on a busy machine.
    test.slow()
    await openFindings(page, '1.0')
    await page.getByRole('searchbox', { name: 'Filter findings' }).fill('usr/bin/curl')
    await page.getByRole('table', { name: 'Findings' }).getByText('CVE-2023-46218').click()
    const detail = page.getByRole('region', { name: 'Finding CVE-2023-46218' })
    // The detail names the layer that brought the file in: layer 2 (apk add curl).
    await expect(detail.getByText(/in layer 2 \(/)).toBeVisible()
    await detail.getByRole('link', { name: 'Show in layer' }).click()

    // Layer 2 on its own, with usr/bin/curl selected.
    await expect(page.getByText(/^Layer 2’s own adds, changes and deletions/)).toBeVisible()
    const tree = page.getByRole('treegrid', { name: 'Files' })
    const row = tree.getByRole('row', { selected: true })
    await expect(row).toHaveCount(1)
    await expect(row.getByRole('gridcell').first()).toHaveAttribute('title', 'usr/bin/curl')
    await expect(row.getByText('1 finding, worst medium')).toBeVisible()
    await expect(row.getByTitle(/^Layer 4 deletes this file/)).toHaveText('may not apply')
    const findings = page.getByRole('region', { name: 'Findings on curl' })
    await expect(findings.getByRole('link', { name: 'CVE-2023-46218' })).toBeVisible()
    await expect(
      findings.getByText(
        'Layer 4 deletes this file: the finding may no longer apply to the final image.',
      ),
    ).toBeVisible()

    // The merged filesystem says the same of the deleted file, and badges the files still there.
    await page.getByRole('link', { name: 'All layers (merged)' }).click()
    await page.getByRole('searchbox', { name: 'Search files' }).fill('usr/**')
    const curl = tree
      .getByRole('row')
      .filter({ has: page.getByTitle('usr/bin/curl', { exact: true }) })
    await expect(curl.getByText('deleted by layer 4')).toBeVisible()
    await expect(curl.getByText('may not apply')).toBeVisible()
    const libcurl = tree
      .getByRole('row')
      .filter({ has: page.getByTitle('usr/lib/libcurl.so.4', { exact: true }) })
    await expect(libcurl.getByText('1 finding, worst critical')).toBeVisible()
    await expect(libcurl.getByText('may not apply')).toHaveCount(0)
  })

  test("compare 1.0's findings with the newer 1.1: which 1.1 fixes, which it adds, and the files of the two", async ({
    page,
  }) => {
    test.slow()
    await openFindings(page, '1.0')
    const compare = page.getByRole('region', { name: 'Compare findings with another tag' })
    // 1.1 is suggested: the next version of 1.0.
    await expect(compare.getByRole('combobox', { name: 'Compare with' })).toHaveValue('1.1')
    const fixed = compare.getByRole('list', { name: /^Fixed in 1\.1/ })
    const added = compare.getByRole('list', { name: /^New in 1\.1/ })
    await expect(compare.getByRole('heading', { name: 'Fixed in 1.1 (4)' })).toBeVisible()
    for (const id of ['CVE-2023-5363', 'CVE-2024-0727', 'CVE-2021-44906', 'CVE-2021-23337']) {
      await expect(fixed.getByRole('listitem').filter({ hasText: id })).toHaveCount(1)
    }
    await expect(compare.getByRole('heading', { name: 'New in 1.1 (1)' })).toBeVisible()
    await expect(added.getByRole('listitem')).toHaveText([/CVE-2024-45590 body-parser 1\.19\.0/])
    // The critical curl finding is in both: 1.1 does not fix it.
    await expect(compare.getByText(/1\.1 no longer has 4 and keeps 4; it adds 1\./)).toBeVisible()
    await expect(fixed.getByText('CVE-2023-38545')).toHaveCount(0)

    // Another tag, chosen by the user: the basic scan of the same layers.
    await compare.getByRole('combobox', { name: 'Compare with' }).selectOption('basic')
    await expect(
      compare.getByRole('heading', { name: /^(Fixed|Not) in basic \(\d+\)$/ }),
    ).toBeVisible()
    await compare.getByRole('combobox', { name: 'Compare with' }).selectOption('1.1')

    await compare.getByRole('link', { name: 'Compare the files of the two images' }).click()
    await expect(
      page.getByRole('heading', { level: 1, name: 'Differences from 1.0 to 1.1' }),
    ).toBeVisible()
  })
})

/** A CSV as written by findings:export (RFC 4180: quoted fields, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"'
        i++
      } else if (c === '"') quoted = false
      else cell += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      row.push(cell)
      cell = ''
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell)
      rows.push(row)
      row = []
      cell = ''
      i++
    } else cell += c
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell])
  return rows
}

test('export the findings as CSV through the UI; its rows are what DescribeImageScanFindings answers for the same image', async ({
  page,
  registry,
  workDir,
}) => {
  test.slow()
  // The app and the test talk to the same registry: the test owns it and reads the API itself.
  const bridge = await launchBridge(workDir, {
    AWS_ACCESS_KEY_ID: registry.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: registry.credentials.secretAccessKey,
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL_ECR: registry.endpoint,
    AWS_ENDPOINT_URL_STS: registry.endpoint,
  })
  const client = new ECRClient({
    endpoint: registry.endpoint,
    region: 'us-east-1',
    credentials: registry.credentials,
  })
  try {
    await openApp(page, bridge)
    await expect(page.getByRole('table', { name: 'Repositories' })).toBeVisible()
    await openFindings(page, '1.0')
    await page.getByRole('button', { name: 'Export CSV' }).click()
    const status = page.getByRole('status').filter({ hasText: /^Wrote \d+ findings to / })
    await expect(status).toBeVisible()
    const [, written, path] = /^Wrote (\d+) findings to (.+)$/.exec(
      (await status.textContent()) ?? '',
    )!
    // Written into the download folder the bridge was given.
    expect(path!.startsWith(bridge.downloadDir)).toBe(true)
    const [header, ...rows] = parseCsv(await readFile(path!, 'utf8'))
    const column = (name: string) => {
      const at = header!.indexOf(name)
      expect(at, `column ${name}`).toBeGreaterThanOrEqual(0)
      return at
    }

    // The API's own answer, every page.
    const described = await client.send(
      new DescribeImagesCommand({
        repositoryName: 'demo/scanned',
        imageIds: [{ imageTag: '1.0' }],
      }),
    )
    const imageDigest = described.imageDetails![0]!.imageDigest!
    const findings: EnhancedImageScanFinding[] = []
    let nextToken: string | undefined
    do {
      const page = await client.send(
        new DescribeImageScanFindingsCommand({
          repositoryName: 'demo/scanned',
          imageId: { imageDigest },
          nextToken,
        }),
      )
      findings.push(...(page.imageScanFindings?.enhancedFindings ?? []))
      nextToken = page.nextToken
    } while (nextToken)
    expect(Number(written)).toBe(findings.length)

    const expected = findings.flatMap((f) =>
      (f.packageVulnerabilityDetails?.vulnerablePackages ?? []).map((p) =>
        [
          f.packageVulnerabilityDetails?.vulnerabilityId,
          f.severity,
          String(f.score),
          f.scoreDetails?.cvss?.scoringVector,
          p.name,
          p.release ? `${p.version}-${p.release}` : p.version,
          p.fixedInVersion ?? '',
          p.packageManager,
          p.filePath,
          p.sourceLayerHash,
          f.fixAvailable,
          f.exploitAvailable,
        ].join('|'),
      ),
    )
    const actual = rows.map((r) =>
      [
        'vulnerabilityId',
        'severity',
        'score',
        'cvssVector',
        'package',
        'installedVersion',
        'fixedInVersion',
        'packageManager',
        'filePath',
        'sourceLayerHash',
        'fixAvailable',
        'exploitAvailable',
      ]
        .map((name) => r[column(name)])
        .join('|'),
    )
    expect(expected.length).toBeGreaterThan(0)
    expect([...actual].sort()).toEqual([...expected].sort())
  } finally {
    client.destroy()
    await bridge.stop()
  }
})
