import {
  link,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AppErrorException } from '../../../shared/ipc/result'
import { Logger } from '../services/logger'
import {
  appendOwnFileSync,
  checkOwnFile,
  createFile,
  openOwnFile,
  removeOwnFile,
  renameIntoPlace,
  writeAll,
  writeError,
  writeFileAtomic,
} from './safe-file'
import { fillDiskAfter } from '../testing/full-disk'

let dir: string
let victim: string
let victimBefore: { bytes: Buffer; mtimeMs: number }

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'elb-safe-'))
  await mkdir(join(dir, 'target'))
  await mkdir(join(dir, 'outside'))
  victim = join(dir, 'outside', 'victim')
  await writeFile(victim, 'the victim, untouched')
  victimBefore = { bytes: await readFile(victim), mtimeMs: (await stat(victim)).mtimeMs }
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const at = (name: string) => join(dir, 'target', name)

async function expectVictimUnchanged() {
  expect(await readFile(victim)).toEqual(victimBefore.bytes)
  expect((await stat(victim)).mtimeMs).toBe(victimBefore.mtimeMs)
}

async function expectUnsafe(promise: Promise<unknown>, path: string, what: RegExp) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(AppErrorException)
  const appError = (error as AppErrorException).error
  expect(appError.code).toBe('UnsafeFile')
  expect(appError.message).toContain(path)
  expect(appError.message).toMatch(what)
}

const plants = {
  'a symbolic link to a victim': (path: string) => symlink(victim, path),
  'a hard link to a victim': (path: string) => link(victim, path),
  'a folder': (path: string) => mkdir(path),
}

describe('createFile', () => {
  it('creates a new file with mode 0600, replacing a regular file of ours', async () => {
    await writeFile(at('f'), 'old')
    const handle = await createFile(at('f'))
    await writeAll(handle, Buffer.from('new'), at('f'))
    await handle.close()
    expect(await readFile(at('f'), 'utf8')).toBe('new')
    if (process.platform !== 'win32') expect((await stat(at('f'))).mode & 0o777).toBe(0o600)
  })

  it('refuses a symbolic link and a folder, leaving them and the victim as they were', async () => {
    await symlink(victim, at('link'))
    await expectUnsafe(createFile(at('link')), at('link'), /symbolic link/)
    expect(await readlink(at('link'))).toBe(victim)
    await mkdir(at('dir'))
    await expectUnsafe(createFile(at('dir')), at('dir'), /folder/)
    await expectVictimUnchanged()
  })

  it('replaces only its own name when a hard link is planted: the victim keeps its bytes', async () => {
    await link(victim, at('hard'))
    const handle = await createFile(at('hard'))
    await writeAll(handle, Buffer.from('mine'), at('hard'))
    await handle.close()
    expect(await readFile(at('hard'), 'utf8')).toBe('mine')
    await expectVictimUnchanged()
  })
})

describe('openOwnFile', () => {
  it('reopens a regular file of ours to resume, and creates one when nothing is there', async () => {
    await writeFile(at('p'), 'abc')
    const resumed = await openOwnFile(at('p'))
    expect(resumed.created).toBe(false)
    expect((await resumed.handle.stat()).size).toBe(3)
    await resumed.handle.close()
    const fresh = await openOwnFile(at('q'))
    expect(fresh.created).toBe(true)
    await fresh.handle.close()
  })

  for (const [what, plant] of Object.entries(plants)) {
    it(`refuses ${what}, which it would write into`, async () => {
      await plant(at('p'))
      await expectUnsafe(openOwnFile(at('p')), at('p'), /symbolic link|hard links|folder/)
      await expectVictimUnchanged()
    })
  }
})

describe('writeFileAtomic', () => {
  it('writes through a temporary name, leaving only the target', async () => {
    await writeFileAtomic(at('s.json'), '{"a":1}')
    await writeFileAtomic(at('s.json'), '{"a":2}')
    expect(await readFile(at('s.json'), 'utf8')).toBe('{"a":2}')
    expect(await readdir(join(dir, 'target'))).toEqual(['s.json'])
  })

  it('replaces a planted symbolic link or hard link itself, never writing through it', async () => {
    await symlink(victim, at('link.json'))
    await link(victim, at('hard.json'))
    await writeFileAtomic(at('link.json'), 'mine')
    await writeFileAtomic(at('hard.json'), 'mine too')
    expect((await stat(at('link.json'))).isFile()).toBe(true)
    expect(await readFile(at('link.json'), 'utf8')).toBe('mine')
    expect(await readFile(at('hard.json'), 'utf8')).toBe('mine too')
    await expectVictimUnchanged()
  })

  it('refuses a folder at the target with UnsafeFile, leaving no temporary file', async () => {
    await mkdir(at('settings.json'))
    await expectUnsafe(writeFileAtomic(at('settings.json'), '{}'), at('settings.json'), /folder/)
    expect(await readdir(join(dir, 'target'))).toEqual(['settings.json'])
  })

  it('creates the folder when asked', async () => {
    await writeFileAtomic(at('deep/er/x'), 'x', { createFolder: true })
    expect(await readFile(at('deep/er/x'), 'utf8')).toBe('x')
  })
})

describe('appendOwnFileSync and the log', () => {
  it('creates the file 0600 and appends to it', () => {
    appendOwnFileSync(at('main.log'), 'one\n')
    appendOwnFileSync(at('main.log'), 'two\n')
    return readFile(at('main.log'), 'utf8').then((text) => expect(text).toBe('one\ntwo\n'))
  })

  for (const [what, plant] of Object.entries(plants)) {
    it(`refuses ${what}; the logger sends the line to its fallback instead`, async () => {
      await plant(at('main.log'))
      expect(() => appendOwnFileSync(at('main.log'), 'x\n')).toThrow(AppErrorException)
      const fallback: string[] = []
      new Logger(at('main.log'), (line) => void fallback.push(line)).warn('test', 'planted')
      expect(fallback).toHaveLength(1)
      expect(fallback[0]).toContain('planted')
      await expectVictimUnchanged()
    })
  }
})

describe('renameIntoPlace', () => {
  it('refuses a folder at the target', async () => {
    await writeFile(at('a'), 'a')
    await mkdir(at('b'))
    await expectUnsafe(renameIntoPlace(at('a'), at('b')), at('b'), /folder/)
    expect(await readFile(at('a'), 'utf8')).toBe('a')
  })
})

describe('checkOwnFile and removeOwnFile', () => {
  it('says what is there, and removes only regular files', async () => {
    expect(await checkOwnFile(at('none'))).toBeNull()
    await link(victim, at('hard'))
    expect((await checkOwnFile(at('hard')))?.nlink).toBe(2)
    await expectUnsafe(checkOwnFile(at('hard'), { forWriting: true }), at('hard'), /2 hard links/)
    await symlink(victim, at('link'))
    await removeOwnFile(at('link'))
    expect(await readlink(at('link'))).toBe(victim)
    await removeOwnFile(at('hard'))
    await expect(stat(at('hard'))).rejects.toThrow()
    await expectVictimUnchanged()
  })
})

describe('a full disk', () => {
  it('fails writeFileAtomic with DiskFull and leaves neither the target nor a temporary file', async () => {
    await writeFile(at('s.json'), 'before')
    const restore = await fillDiskAfter(3)
    const error = await writeFileAtomic(at('s.json'), 'after, longer').then(
      () => null,
      (e: unknown) => e,
    )
    restore()
    expect(error).toBeInstanceOf(AppErrorException)
    expect((error as AppErrorException).error).toEqual({
      code: 'DiskFull',
      message: `Writing ${at('s.json')} failed: the disk is full (ENOSPC).`,
    })
    expect(await readdir(join(dir, 'target'))).toEqual(['s.json'])
    expect(await readFile(at('s.json'), 'utf8')).toBe('before')
  })

  it('reports /dev/full as DiskFull, "the disk is full"', async () => {
    const handle = await (await import('node:fs/promises')).open('/dev/full', 'w')
    const error = await writeAll(handle, Buffer.alloc(10), '/dev/full').then(
      () => null,
      (e: unknown) => e,
    )
    await handle.close()
    expect(writeError(error, '/dev/full')).toEqual({
      code: 'DiskFull',
      message: 'Writing /dev/full failed: the disk is full (ENOSPC).',
    })
  })

  it('turns a write that makes no progress into ENOSPC, not a vague short write', async () => {
    const handle = await createFile(at('f'))
    const stuck = Object.assign(Object.create(handle) as object, {
      write: () => Promise.resolve({ bytesWritten: 0, buffer: Buffer.alloc(0) }),
    }) as unknown as typeof handle
    const error = await writeAll(stuck, Buffer.alloc(10), at('f')).then(
      () => null,
      (e: unknown) => e,
    )
    await handle.close()
    expect(writeError(error, at('f')).code).toBe('DiskFull')
  })
})
