import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { blobFileName } from '../../../shared/file-names'
import type { Result } from '../../../shared/ipc/result'
import type { DownloadHistoryEntry } from '../../../shared/models/download-history'
import { startHarness, stubProcessEnv, type Harness } from '../testing/app-harness'

// The downloads: channels through the app's dispatcher: the path gate, the queue and the history
// each download leaves (DownloadService.handlers).
let harness: Harness
let restoreEnv: () => void
beforeEach(async () => {
  harness = await startHarness({
    settings: { connection: { kind: 'aws', profile: null, region: 'us-east-1' } },
  })
  restoreEnv = stubProcessEnv(harness.env)
})
afterEach(async () => {
  restoreEnv()
  await harness.close()
})

let ids = 0
const op = () => `op-dl-channels-${String(++ids).padStart(4, '0')}`

function layer() {
  const { current } = harness.registry.samples().webApp
  const { digest, mediaType, size } = current.layers[0]!
  return { repositoryName: 'demo/web-app', digest, mediaType, size }
}

async function history(): Promise<DownloadHistoryEntry[]> {
  const result = (await harness.app.dispatch('downloads:history', {})) as Result<
    DownloadHistoryEntry[]
  >
  if (!result.ok) throw new Error(result.error.message)
  return result.value
}

describe('downloads: channels', () => {
  it('remember each download that ends, newest first, but not a conflict waiting for an answer', async () => {
    const downloaded = await harness.app.dispatch('downloads:start', {
      operationId: op(),
      ...layer(),
    })
    expect(downloaded).toMatchObject({ ok: true, value: { status: 'downloaded' } })
    const path = (downloaded as { value: { path: string } }).value.path
    expect(await history()).toMatchObject([{ outcome: 'downloaded', path, errorCode: null }])

    // Another file at the blob's name: the download asks, and nothing is remembered yet.
    await writeFile(path, 'not the blob')
    const conflict = await harness.app.dispatch('downloads:start', {
      operationId: op(),
      ...layer(),
    })
    expect(conflict).toMatchObject({ ok: true, value: { status: 'conflict' } })
    expect(await history()).toHaveLength(1)

    // A blob the repository does not have fails, and the failure is remembered with its code.
    const missing = await harness.app.dispatch('downloads:start', {
      operationId: op(),
      ...layer(),
      digest: `sha256:${'a'.repeat(64)}`,
      size: null,
    })
    expect(missing.ok).toBe(false)
    const code = !missing.ok && missing.error.code
    const entries = await history()
    expect(entries).toHaveLength(2)
    expect(entries[0]).toMatchObject({ outcome: 'failed', errorCode: code, path: null })

    expect(await harness.app.dispatch('downloads:clear-history', {})).toEqual({
      ok: true,
      value: [],
    })
  })

  it('a history that cannot be saved is logged, never the download’s failure', async () => {
    // A folder where the history file goes: every save fails.
    await mkdir(join(harness.dataDir, 'download-history.json'))
    const result = await harness.app.dispatch('downloads:start', { operationId: op(), ...layer() })
    expect(result).toMatchObject({ ok: true, value: { status: 'downloaded' } })
    const { digest, mediaType } = layer()
    expect((result as { value: { path: string } }).value.path).toBe(
      join(harness.dataDir, 'downloads', blobFileName('demo/web-app', digest, mediaType)),
    )
    // Saves are serialised: once this one has failed too, the download's save has been tried.
    const cleared = await harness.app.dispatch('downloads:clear-history', {})
    expect(cleared.ok).toBe(false)
    const log = await readFile(join(harness.dataDir, 'logs', 'main.log'), 'utf8')
    expect(log).toContain('download history not saved')
  })

  it('downloads:folder is the setting’s folder, else the platform’s Downloads folder', async () => {
    expect(await harness.app.dispatch('downloads:folder', {})).toEqual({
      ok: true,
      value: { path: join(harness.dataDir, 'downloads'), overridden: false },
    })
  })
})
