import {
  lstat,
  mkdir,
  open,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises'
import type { FileHandle } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { AppErrorException } from '../../../shared/ipc/result'
import { extractFromLayer } from './extractor'
import { readLayer } from './layer-reader'
import { gnuLongBytes, tarBytes, type RawEntry } from './tar-builder'

const TAR = 'application/vnd.oci.image.layer.v1.tar'
let root: string
let outside: string
let chosen: string

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'elb-extract-'))
  outside = join(root, 'outside')
  chosen = join(root, 'chosen')
  await mkdir(outside)
  await mkdir(chosen)
})
afterEach(async () => {
  await rm(root, { recursive: true, force: true })
})

async function extract(entries: (RawEntry | Buffer)[], target: string, platform?: NodeJS.Platform) {
  const tar = tarBytes(entries)
  const index = await readLayer(Readable.from([tar]), { mediaType: TAR })
  return extractFromLayer(
    Readable.from([tar]),
    {
      target,
      entries: index.entries,
      directory: chosen,
      layerDigest: 'sha256:0123456789abcdef',
      ...(platform ? { platform } : {}),
    },
    { mediaType: TAR },
  )
}

// Everything under a folder, as relative paths, links shown with their targets.
async function tree(dir: string): Promise<string[]> {
  const out: string[] = []
  const walk = async (current: string, prefix: string) => {
    for (const name of (await readdir(current)).sort()) {
      const path = join(current, name)
      const info = await lstat(path)
      const rel = `${prefix}${name}`
      if (info.isSymbolicLink()) out.push(`${rel} -> ${await readlink(path)}`)
      else if (info.isDirectory()) {
        out.push(`${rel}/`)
        await walk(path, `${rel}/`)
      } else out.push(rel)
    }
  }
  await walk(dir, '')
  return out
}

describe('extracting from a layer', () => {
  it('extracts one file with its bytes, mode and mtime into the chosen folder', async () => {
    const result = await extract(
      [
        { name: 'tmp/', type: '5' },
        { name: 'tmp/build-cache.bin', content: 'cache bytes', mode: 0o640, mtime: 1_600_000_000 },
      ],
      'tmp/build-cache.bin',
    )
    expect(result.path).toBe(join(chosen, 'build-cache.bin'))
    expect(await readFile(result.path, 'utf8')).toBe('cache bytes')
    const info = await stat(result.path)
    expect(info.mode & 0o777).toBe(0o640)
    expect(Math.round(info.mtimeMs / 1000)).toBe(1_600_000_000)
    expect(await tree(chosen)).toEqual(['build-cache.bin'])
  })

  it('never overwrites: a second extraction of the same file gets a numbered name', async () => {
    const entries = [{ name: 'etc/app/config.yaml', content: 'a: 1' }]
    await extract(entries, 'etc/app/config.yaml')
    const second = await extract(entries, 'etc/app/config.yaml')
    expect(second.path).toBe(join(chosen, 'config (2).yaml'))
  })

  it('extracts a folder with its files, directories and inside symlinks; drops setuid bits', async () => {
    const result = await extract(
      [
        { name: 'usr/', type: '5' },
        { name: 'usr/bin/', type: '5' },
        { name: 'usr/bin/app', content: 'ELF', mode: 0o4755 },
        { name: 'usr/bin/app-link', type: '2', linkname: 'app' },
        { name: 'usr/bin/app-hard', type: '1', linkname: 'usr/bin/app' },
        { name: 'usr/bin/sub/', type: '5', mode: 0o700 },
        { name: 'usr/bin/sub/up', type: '2', linkname: '../app' },
        { name: 'etc/other', content: 'not selected' },
      ],
      'usr/bin',
    )
    expect(result.path).toBe(join(chosen, 'bin'))
    expect(await tree(chosen)).toEqual([
      'bin/',
      'bin/app',
      'bin/app-hard',
      'bin/app-link -> app',
      'bin/sub/',
      'bin/sub/up -> ../app',
    ])
    expect((await stat(join(chosen, 'bin/app'))).mode & 0o7777).toBe(0o755)
    expect((await stat(join(chosen, 'bin/app-hard'))).ino).toBe(
      (await stat(join(chosen, 'bin/app'))).ino,
    )
    expect(result.files).toBe(1)
    expect(result.skipped).toEqual([])
  })

  it('refuses entries that climb out with .. and neutralises absolute names', async () => {
    const result = await extract(
      [
        { name: 'data/', type: '5' },
        { name: 'data/ok.txt', content: 'ok' },
        { name: 'data/../../../outside/evil.txt', content: 'evil' },
        { name: '/data/abs.txt', content: 'absolute, kept inside' },
      ],
      'data',
    )
    expect(await readdir(outside)).toEqual([])
    expect(await tree(chosen)).toEqual(['data/', 'data/abs.txt', 'data/ok.txt'])
    // The traversal entry normalises to outside/evil.txt, which is not under data/ at all; when a
    // traversal name does land in the selection it is refused by name:
    const direct = await extract(
      [
        { name: 'data/', type: '5' },
        { name: 'data/x/../../data/sneaky.txt', content: 'evil' },
      ],
      'data',
    )
    expect(direct.skipped).toEqual([
      { path: 'data/sneaky.txt', reason: 'refused: its name contains ".."' },
    ])
    expect(result.skipped).toEqual([])
  })

  it('extracts names that only start with two dots, which stay inside like any other', async () => {
    const result = await extract(
      [
        { name: 'home/', type: '5' },
        { name: 'home/..config/', type: '5' },
        { name: 'home/..config/settings', content: 'kept' },
        { name: 'home/...', content: 'three dots' },
        { name: 'home/..link', type: '2', linkname: '..config/settings' },
      ],
      'home',
    )
    expect(result.skipped).toEqual([])
    expect(await tree(chosen)).toEqual([
      'home/',
      'home/...',
      'home/..config/',
      'home/..config/settings',
      'home/..link -> ..config/settings',
    ])
    const single = await extract([{ name: '..env', content: 'A=1' }], '..env')
    expect(await readFile(single.path, 'utf8')).toBe('A=1')
  })

  it('refuses symlinks that point outside the folder, absolute or relative', async () => {
    const result = await extract(
      [
        { name: 'app/', type: '5' },
        { name: 'app/passwd', type: '2', linkname: '/etc/passwd' },
        { name: 'app/up', type: '2', linkname: '../../outside' },
        { name: 'app/self', type: '2', linkname: '..' },
        { name: 'app/fine', type: '2', linkname: './passwd' },
      ],
      'app',
    )
    expect(await tree(chosen)).toEqual(['app/', 'app/fine -> ./passwd'])
    expect(result.skipped).toEqual([
      { path: 'app/passwd', reason: 'symlink to /etc/passwd points outside the folder' },
      { path: 'app/up', reason: 'symlink to ../../outside points outside the folder' },
      { path: 'app/self', reason: 'symlink to .. points outside the folder' },
    ])
  })

  it('refuses a single symlink to outside with a clear error', async () => {
    const attempt = extract(
      [{ name: 'etc/localtime', type: '2', linkname: '/usr/share/zoneinfo/UTC' }],
      'etc/localtime',
    )
    await expect(attempt).rejects.toBeInstanceOf(AppErrorException)
    await expect(attempt).rejects.toMatchObject({
      error: {
        code: 'UnsafeEntry',
        message: 'etc/localtime: symlink to /usr/share/zoneinfo/UTC points outside the folder',
      },
    })
    expect(await readdir(chosen)).toEqual([])
  })

  it('never writes through a symlink, even one that points inside', async () => {
    const result = await extract(
      [
        { name: 'app/', type: '5' },
        { name: 'app/real/', type: '5' },
        { name: 'app/alias', type: '2', linkname: 'real' },
        { name: 'app/alias/planted.txt', content: 'through the link' },
      ],
      'app',
    )
    expect(await tree(chosen)).toEqual(['app/', 'app/alias -> real', 'app/real/'])
    expect(result.skipped).toEqual([
      { path: 'app/alias/planted.txt', reason: 'refused: it would be written through a symlink' },
    ])
  })

  it('refuses hardlinks that escape or point at something other than a file of the layer', async () => {
    const result = await extract(
      [
        { name: 'app/', type: '5' },
        { name: 'app/shadow', type: '1', linkname: '../../../etc/shadow' },
        { name: 'app/abs', type: '1', linkname: '/etc/passwd' },
        { name: 'app/to-dir', type: '1', linkname: 'app' },
      ],
      'app',
    )
    expect(await tree(chosen)).toEqual(['app/'])
    expect(result.skipped.map((s) => s.path)).toEqual(['app/shadow', 'app/abs', 'app/to-dir'])
    expect(result.skipped[0]!.reason).toContain('refused: its name link target contains ".."')
    expect(result.skipped[1]!.reason).toBe(
      'hardlink to etc/passwd is not a regular file in this layer',
    )
  })

  it('gives a hardlink whose target lies outside the selection a copy of the target bytes', async () => {
    const result = await extract(
      [
        { name: 'usr/bin/app', content: 'the binary' },
        { name: 'opt/alias', type: '1', linkname: 'usr/bin/app' },
      ],
      'opt/alias',
    )
    expect(await readFile(result.path, 'utf8')).toBe('the binary')
  })

  it('never creates device nodes or FIFOs', async () => {
    const result = await extract(
      [
        { name: 'dev/', type: '5' },
        { name: 'dev/sda', type: '4', devmajor: 8 },
        { name: 'dev/null', type: '3', devmajor: 1, devminor: 3 },
        { name: 'dev/pipe', type: '6' },
      ],
      'dev',
    )
    expect(await tree(chosen)).toEqual(['dev/'])
    expect(result.skipped.map((s) => s.reason)).toEqual([
      'device nodes are never created',
      'device nodes are never created',
      'FIFOs are not created',
    ])
    await expect(extract([{ name: 'dev/sda', type: '4' }], 'dev/sda')).rejects.toMatchObject({
      error: { code: 'UnsafeEntry' },
    })
  })

  it('refuses names Windows cannot hold when extracting on Windows', async () => {
    const result = await extract(
      [
        { name: 'x/', type: '5' },
        { name: 'x/..\\..\\evil', content: 'e' },
        { name: 'x/con.txt', content: 'c' },
        { name: 'x/fine.txt', content: 'f' },
      ],
      'x',
      'win32',
    )
    expect(result.skipped.map((s) => s.path)).toEqual(['x/..\\..\\evil', 'x/con.txt'])
    expect(await tree(chosen)).toEqual(['x/', 'x/fine.txt'])
  })

  it('leaves nothing behind when the layer turns out truncated', async () => {
    const tar = tarBytes([
      { name: 'data/', type: '5' },
      { name: 'data/a', content: 'a'.repeat(5000) },
      { name: 'data/b', content: 'b'.repeat(5000) },
    ])
    const index = await readLayer(Readable.from([tar]), { mediaType: TAR })
    const attempt = extractFromLayer(
      Readable.from([tar.subarray(0, 4000)]),
      { target: 'data', entries: index.entries, directory: chosen, layerDigest: 'sha256:00' },
      { mediaType: TAR },
    )
    await expect(attempt).rejects.toMatchObject({ error: { code: 'LayerUnreadable' } })
    expect(await readdir(chosen)).toEqual([])
  })

  it('does not follow a symlink planted in the chosen folder by name', async () => {
    // Something outside the app put a link where the output would go: the output gets a new name.
    await symlink(outside, join(chosen, 'data'))
    const result = await extract(
      [
        { name: 'data/', type: '5' },
        { name: 'data/f', content: 'x' },
      ],
      'data',
    )
    expect(result.path).toBe(join(chosen, 'data (2)'))
    expect(await readdir(outside)).toEqual([])
  })

  it("refuses the issue's shadow-link, which climbs above the folder and comes back down", async () => {
    const shadow = { name: 'etc/shadow-link', type: '2', linkname: `${'../'.repeat(14)}etc/shadow` }
    const entries = [{ name: 'etc/', type: '5' }, shadow, { name: 'etc/hosts', content: 'h' }]
    const sub = await extract(entries, 'etc')
    expect(await tree(chosen)).toEqual(['etc/', 'etc/hosts'])
    expect(sub.skipped).toEqual([
      {
        path: 'etc/shadow-link',
        reason: `symlink to ${shadow.linkname} points outside the folder`,
      },
    ])
    const whole = await extract(entries, '')
    expect(whole.skipped.map((s) => s.path)).toEqual(['etc/shadow-link'])
    expect(await tree(whole.path)).toEqual(['etc/', 'etc/hosts'])
  })

  it('extracting the whole layer, refuses any relative link that climbs above it', async () => {
    const result = await extract(
      [
        { name: 'a/', type: '5' },
        { name: 'a/up-one', type: '2', linkname: '../../outside/x' },
        { name: 'a/to-root', type: '2', linkname: '..' },
        { name: 'a/round', type: '2', linkname: '../../layer-0123456789ab/a' },
        { name: 'top', type: '2', linkname: '../outside' },
      ],
      '',
    )
    expect(await tree(result.path)).toEqual(['a/', 'a/to-root -> ..'])
    expect(result.skipped.map((s) => s.path)).toEqual(['a/up-one', 'a/round', 'top'])
    expect(await readdir(outside)).toEqual([])
  })

  it('follows chains of links as the OS would, those already made and those still to come', async () => {
    const result = await extract(
      [
        { name: 'x/', type: '5' },
        { name: 'x/d/', type: '5' },
        // Lexically d/in/.. is x/d, inside; but d/in is a link to x, and x/.. is outside.
        { name: 'x/d/in', type: '2', linkname: '..' },
        { name: 'x/chain', type: '2', linkname: 'd/in/..' },
        { name: 'x/up', type: '2', linkname: '..' },
        // "up" is refused, so it is not there to follow: this one dangles inside.
        { name: 'x/dangling', type: '2', linkname: 'up/../outside' },
        // A link through a link that only comes later in the archive.
        { name: 'x/early', type: '2', linkname: 'late/../../..' },
        { name: 'x/late', type: '2', linkname: 'd' },
        // A loop: each points at the other.
        { name: 'x/ping', type: '2', linkname: 'pong' },
        { name: 'x/pong', type: '2', linkname: 'ping' },
      ],
      'x',
    )
    expect(await readdir(outside)).toEqual([])
    const reasons = Object.fromEntries(result.skipped.map((s) => [s.path, s.reason]))
    expect(reasons['x/chain']).toBe(
      'symlink to d/in/.. points outside the folder (through the link d/in -> ..)',
    )
    expect(reasons['x/up']).toBe('symlink to .. points outside the folder')
    expect(reasons['x/early']).toBe(
      'symlink to late/../../.. points outside the folder (through the link late -> d)',
    )
    // ping is refused (pong, still to come, leads back to it); pong then dangles, harmless.
    expect(reasons['x/ping']).toContain('it goes round a loop of links')
    expect(Object.keys(reasons).sort()).toEqual(['x/chain', 'x/early', 'x/ping', 'x/up'])
    expect(await tree(join(chosen, 'x'))).toEqual([
      'd/',
      'd/in -> ..',
      'dangling -> up/../outside',
      'late -> d',
      'pong -> ping',
    ])
  })

  it('refuses a link made to escape by a link that replaces a folder after it', async () => {
    const result = await extract(
      [
        { name: 'r/', type: '5' },
        { name: 'r/a/', type: '5' },
        { name: 'r/a/b/', type: '5' },
        { name: 'r/deep', type: '2', linkname: 'a/b/../../..' },
        { name: 'r/a/b', type: '2', linkname: '.' },
      ],
      '',
    )
    // Once r/a/b -> . exists, r/deep is r/a/../.. = the layer's parent: outside.
    expect(result.skipped.map((s) => s.path)).toContain('r/deep')
    expect(await tree(result.path)).toEqual(['r/', 'r/a/', 'r/a/b -> .'])
  })

  it('checks what landed on disk: a link the index did not foretell is removed and reported', async () => {
    const entries: RawEntry[] = [
      { name: 'r/', type: '5' },
      { name: 'r/a/', type: '5' },
      { name: 'r/a/b/', type: '5' },
      { name: 'r/deep', type: '2', linkname: 'a/b/../..' },
      { name: 'r/a/b', type: '2', linkname: '.' },
    ]
    const tar = tarBytes(entries)
    // An index that does not match the blob (as a lying cache would give) hides r/a/b's link.
    const index = await readLayer(Readable.from([tarBytes(entries.slice(0, 4))]), {
      mediaType: TAR,
    })
    const result = await extractFromLayer(
      Readable.from([tar]),
      { target: 'r', entries: index.entries, directory: chosen, layerDigest: 'sha256:00' },
      { mediaType: TAR },
    )
    expect(await tree(result.path)).toEqual(['a/', 'a/b -> .'])
    expect(result.skipped).toEqual([
      {
        path: 'r/deep',
        reason:
          'removed after extraction: symlink to a/b/../.. points outside the folder (through the link a/b -> .)',
      },
    ])
  })

  it('never writes through a folder that was replaced by a link, nor through a link to outside', async () => {
    await mkdir(join(outside, 'victim'))
    const result = await extract(
      [
        { name: 'w/', type: '5' },
        { name: 'w/dir/', type: '5' },
        { name: 'w/dir/first.txt', content: '1' },
        { name: 'w/dir', type: '2', linkname: `${outside}/victim` },
        { name: 'w/dir/second.txt', content: 'through the link' },
        { name: 'w/rel/', type: '5' },
        { name: 'w/rel', type: '2', linkname: 'real' },
        { name: 'w/real/', type: '5' },
        { name: 'w/rel/third.txt', content: 'through an inside link' },
      ],
      'w',
    )
    expect(await readdir(join(outside, 'victim'))).toEqual([])
    // The refused link leaves the folder it would have replaced, so second.txt lands in it.
    expect(await tree(join(chosen, 'w'))).toEqual([
      'dir/',
      'dir/first.txt',
      'dir/second.txt',
      'real/',
      'rel -> real',
    ])
    expect(result.skipped).toEqual([
      { path: 'w/dir', reason: `symlink to ${outside}/victim points outside the folder` },
      { path: 'w/rel/third.txt', reason: 'refused: it would be written through a symlink' },
    ])
  })

  it('refuses hardlinks to links and to names that changed type, and keeps duplicate names safe', async () => {
    await writeFile(join(outside, 'secret'), 'secret')
    const result = await extract(
      [
        { name: 'h/', type: '5' },
        { name: 'h/f', content: 'file first' },
        { name: 'h/f', type: '2', linkname: `${outside}/secret` },
        { name: 'h/g', content: 'g' },
        { name: 'h/g', type: '2', linkname: 'f' },
        { name: 'h/to-g', type: '1', linkname: 'h/g' },
        { name: 'h/dup', type: '5' },
        { name: 'h/dup/x', content: 'x' },
        { name: 'h/dup', content: 'now a file' },
      ],
      'h',
    )
    const out = join(chosen, 'h')
    expect(await tree(out)).toEqual(['dup', 'f', 'g -> f'])
    expect(await readFile(join(out, 'f'), 'utf8')).toBe('file first')
    expect(await readFile(join(out, 'dup'), 'utf8')).toBe('now a file')
    expect(await readFile(join(outside, 'secret'), 'utf8')).toBe('secret')
    expect(result.skipped).toEqual([
      { path: 'h/f', reason: `symlink to ${outside}/secret points outside the folder` },
      { path: 'h/to-g', reason: 'hardlink to h/g, which was not extracted before it' },
    ])
  })

  it('refuses a file or link named like the extracted folder, which would replace it', async () => {
    const result = await extract(
      [
        { name: 'a/', type: '5' },
        { name: 'a/kept', content: 'k' },
        { name: 'a', content: 'a file in place of the folder' },
        { name: 'a', type: '2', linkname: '.' },
      ],
      'a',
    )
    expect(await tree(chosen)).toEqual(['a/', 'a/kept'])
    expect(result.skipped).toEqual([
      { path: 'a', reason: 'refused: it would replace the folder being extracted' },
      { path: 'a', reason: 'refused: it would replace the folder being extracted' },
    ])
  })

  it('skips names longer than a file name can hold, and extracts the rest', async () => {
    const long = 'n'.repeat(300)
    const result = await extract(
      [
        { name: 'l/', type: '5' },
        gnuLongBytes(`l/${long}`),
        { name: 'placeholder', content: 'long' },
        { name: 'l/short', content: 's' },
      ],
      'l',
    )
    expect(await tree(join(chosen, 'l'))).toEqual(['short'])
    expect(result.skipped).toEqual([
      {
        path: `l/${long}`,
        reason: 'a name in it is longer than the 255 bytes a file name can hold',
      },
    ])
  })

  it('stops on a full disk with DiskFull, looping over short writes first, and leaves nothing', async () => {
    // The kernel's way of saying "full": a short write, then none at all.
    const probe = await open(join(root, 'probe'), 'w')
    const prototype = Object.getPrototypeOf(probe) as FileHandle
    await probe.close()
    // The unbound original, called below on each handle the extractor opens.
    type Write = (
      this: FileHandle,
      buffer: Buffer,
      offset: number,
      length: number,
      position: number | null,
    ) => Promise<{ bytesWritten: number; buffer: Buffer }>
    const real = Object.getOwnPropertyDescriptor(prototype, 'write')!.value as Write
    let calls = 0
    const shortThenNone: Write = function (buffer, _offset, _length, position) {
      calls++
      if (calls === 1) return real.call(this, buffer, 0, 3, position)
      return Promise.resolve({ bytesWritten: 0, buffer })
    }
    const spy = vi.spyOn(prototype, 'write').mockImplementation(shortThenNone as never)
    try {
      const attempt = extract(
        [
          { name: 'd/', type: '5' },
          { name: 'd/big', content: 'x'.repeat(4000) },
        ],
        'd',
      )
      await expect(attempt).rejects.toMatchObject({ error: { code: 'DiskFull' } })
      expect(calls).toBeGreaterThanOrEqual(2)
    } finally {
      spy.mockRestore()
    }
    expect(await readdir(chosen)).toEqual([])
  })

  it('refuses a path that is not in the layer', async () => {
    await expect(extract([{ name: 'a', content: 'x' }], 'b')).rejects.toMatchObject({
      error: { code: 'PathNotInLayer' },
    })
  })
})
