import { gunzipSync } from 'node:zlib'
import tarStream from 'tar-stream'
import { beforeAll, describe, expect, it } from 'vitest'
import { DemoRegistry, SAMPLE_REPOSITORIES as REPOS, SAMPLE_TAGS as TAGS } from '../server'
import { NAME_BOMB_ENTRIES, NAME_BOMB_NAME_BYTES, SHADOW_LINK_TARGET } from './hostile'

async function headers(tar: Buffer): Promise<tarStream.Header[]> {
  const extract = tarStream.extract()
  const out: tarStream.Header[] = []
  const done = (async () => {
    for await (const entry of extract) {
      out.push(entry.header)
      entry.resume()
    }
  })()
  extract.end(tar)
  await done
  return out
}

describe('the demo/hostile sample', () => {
  const registry = new DemoRegistry({ repositoryCount: 10 })
  beforeAll(async () => {
    await registry.prepare()
  })
  const blob = (digest: string) => {
    const bytes = registry.blob(digest)
    if (!bytes) throw new Error(`blob ${digest} is not stored`)
    return bytes
  }

  it('is a repository with the tags latest and name-bomb', () => {
    expect(REPOS.hostile).toBe('demo/hostile')
    expect(registry.image(REPOS.hostile, TAGS.hostile.latest)).toBe(
      registry.samples().hostile.latest,
    )
    expect(registry.image(REPOS.hostile, TAGS.hostile.nameBomb)).toBe(
      registry.samples().hostile.nameBomb,
    )
  })

  it('holds escaping and absolute links, links to links, a loop and a file through a link', async () => {
    const { latest, refused } = registry.samples().hostile
    const [links, chains] = await Promise.all(
      latest.layers.map(async (l) => headers(gunzipSync(blob(l.digest)))),
    )
    const byName = new Map([...links!, ...chains!].map((h) => [h.name.replace(/\/$/, ''), h]))
    expect(byName.get('etc/shadow-link')).toMatchObject({
      type: 'symlink',
      linkname: SHADOW_LINK_TARGET,
    })
    expect(byName.get('etc/passwd-link')).toMatchObject({
      type: 'symlink',
      linkname: '/etc/passwd',
    })
    expect(byName.get('chain/escape')).toMatchObject({ linkname: 'inner/up/../..' })
    expect(byName.get('chain/hard-to-link')).toMatchObject({ type: 'link' })
    expect(byName.get('www/html')).toMatchObject({ type: 'symlink', linkname: 'public' })
    for (const path of refused) expect(byName.has(path), path).toBe(true)
  })

  it('has a name bomb of 20,000 GNU long names of 4,000 bytes in a small gzip blob', async () => {
    const { nameBomb } = registry.samples().hostile
    const [layer] = nameBomb.layers
    expect(layer!.size).toBeLessThan(2 * 1024 * 1024)
    const tar = gunzipSync(blob(layer!.digest))
    // Per entry: an 'L' header, the name padded to whole blocks, the file's own header.
    expect(tar.length).toBe(NAME_BOMB_ENTRIES * (512 + 4096 + 512) + 1024)
    expect(tar.subarray(156, 157).toString()).toBe('L')
    expect(tar.subarray(257, 265).toString('latin1')).toBe('ustar  \0')
    const all = await headers(tar)
    expect(all).toHaveLength(NAME_BOMB_ENTRIES)
    expect(new Set(all.map((h) => Buffer.byteLength(h.name)))).toEqual(
      new Set([NAME_BOMB_NAME_BYTES]),
    )
    expect(new Set(all.map((h) => h.name)).size).toBe(NAME_BOMB_ENTRIES)
  })
})
