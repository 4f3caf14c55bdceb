// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { RequestOf, ResponseOf } from '../../../../shared/ipc/contract'
import type { ImageSummary } from '../../../../shared/models/image'
import { SCAN_COUNTS_CONCURRENCY } from '../../api/findings'
import { giveTableAViewport } from '../../test/fake-ecr'
import { makeImages, pagedImages } from '../../test/fake-images'
import { renderApp, waitForReady } from '../../test/render-app'
import { countsInWords, needsCounts } from './findings-cell'

let restoreLayout: () => void
beforeEach(() => (restoreLayout = giveTableAViewport()))
afterEach(() => {
  cleanup()
  restoreLayout()
  delete window.ecr
})

/** Images scanned by enhanced scanning: ACTIVE, and DescribeImages carries no summary. */
const enhanced = (count: number): ImageSummary[] =>
  makeImages(count).map((image) => ({ ...image, scanStatus: 'ACTIVE', scanFindings: null }))

const countsOf = (digest: string) => {
  // Counts derived from the digest, so each row's badges are its own answer.
  const n = parseInt(digest.slice(7, 15), 16)
  return { CRITICAL: n % 3, HIGH: 1 + (n % 4) }
}

/** A scan-counts handler that records calls and how many run at once. */
function countsHandler() {
  const calls: string[] = []
  let running = 0
  let peak = 0
  const handler = async (
    request: RequestOf<'ecr:scan-counts'>,
  ): Promise<ResponseOf<'ecr:scan-counts'>> => {
    calls.push(request.imageDigest)
    running++
    peak = Math.max(peak, running)
    await new Promise((resolve) => setTimeout(resolve, 5))
    running--
    return {
      imageDigest: request.imageDigest,
      status: 'ACTIVE',
      counts: countsOf(request.imageDigest),
      problem: null,
    }
  }
  return { handler, calls, peak: () => peak }
}

const table = () => screen.getByRole('table', { name: 'Images' })
const bodyRows = () => within(table()).getAllByRole('row').slice(1)
const shownDigests = () =>
  bodyRows().map((row) => within(row).getAllByRole('cell')[1]!.getAttribute('title')!)

describe('images list Findings column', () => {
  it('fetches counts for the rows on screen only, a few at a time, never per image of a 50,000-image repository', async () => {
    const images = enhanced(50_000)
    const counts = countsHandler()
    const ecr = renderApp('/repositories/demo/scale-50k', {
      'ecr:list-images': pagedImages(images),
      'ecr:scan-counts': counts.handler,
    })
    await waitFor(() => expect(screen.getByText('50,000 images')).toBeTruthy(), { timeout: 20_000 })
    await waitForReady()
    expect(within(table()).getByRole('columnheader', { name: 'Findings' })).toBeTruthy()

    // Every row in the DOM gets its badges; the first row's are its own answer.
    await waitFor(() => expect(screen.queryAllByText('Counting…')).toHaveLength(0), {
      timeout: 10_000,
    })
    const onScreen = shownDigests()
    expect(onScreen.length).toBeLessThanOrEqual(60)
    expect(new Set(counts.calls)).toEqual(new Set(onScreen))
    expect(counts.calls).toHaveLength(new Set(counts.calls).size)
    expect(counts.peak()).toBeLessThanOrEqual(SCAN_COUNTS_CONCURRENCY)
    const first = bodyRows()[0]!
    const expected = countsOf(onScreen[0]!)
    expect(within(first).getByTitle(countsInWords(expected)).textContent).toContain(
      `${expected.HIGH} H`,
    )
    // DescribeImages was not asked for anything extra, and paged as before.
    expect(ecr.requests('ecr:list-images')).toHaveLength(50)

    // Scroll far down: only the rows now on screen are fetched, not the ones scrolled past.
    const before = counts.calls.length
    const scroller = table().querySelector<HTMLElement>('.table-scroll')!
    scroller.scrollTop = 34 * 25_000
    fireEvent.scroll(scroller)
    await waitFor(() => expect(shownDigests()).not.toContain(onScreen[0]))
    await waitFor(() => expect(screen.queryAllByText('Counting…')).toHaveLength(0), {
      timeout: 10_000,
    })
    const later = shownDigests()
    const added = counts.calls.slice(before)
    expect(new Set(added)).toEqual(new Set(later))
    expect(counts.calls.length).toBeLessThan(150)
  }, 60_000)

  it('uses the summary DescribeImages carries and calls nothing for those rows', async () => {
    // Every fifth image is a basic scan with its summary (2 high, 1 low); the rest are enhanced.
    const images = makeImages(40).map((image) =>
      image.scanFindings ? image : { ...image, scanStatus: 'ACTIVE', scanFindings: null },
    )
    const withSummary = new Set(images.filter((i) => i.scanFindings).map((i) => i.digest))
    const counts = countsHandler()
    renderApp('/repositories/team/app', {
      'ecr:list-images': pagedImages(images),
      'ecr:scan-counts': counts.handler,
    })
    await waitFor(() => expect(screen.getByText('40 images')).toBeTruthy())
    await waitForReady()
    await waitFor(() => expect(screen.queryAllByText('Counting…')).toHaveLength(0), {
      timeout: 10_000,
    })
    expect(within(table()).getAllByTitle('2 high, 1 low')).toHaveLength(
      shownDigests().filter((d) => withSummary.has(d)).length,
    )
    expect(counts.calls.length).toBeGreaterThan(0)
    expect(counts.calls.filter((d) => withSummary.has(d))).toEqual([])
  })

  it('knows which rows need their counts fetched', () => {
    const [image] = makeImages(1)
    expect(needsCounts({ ...image!, scanStatus: 'ACTIVE', scanFindings: null })).toBe(true)
    expect(needsCounts({ ...image!, scanStatus: 'COMPLETE', scanFindings: null })).toBe(true)
    expect(needsCounts({ ...image!, scanStatus: 'COMPLETE', scanFindings: { LOW: 1 } })).toBe(false)
    expect(needsCounts({ ...image!, scanStatus: 'IN_PROGRESS', scanFindings: null })).toBe(false)
    expect(needsCounts({ ...image!, scanStatus: null, scanFindings: null })).toBe(false)
    expect(countsInWords({ LOW: 1, CRITICAL: 2, WEIRD: 1 })).toBe('2 critical, 1 low, 1 weird')
    expect(countsInWords({})).toBe('No findings')
  })
})
