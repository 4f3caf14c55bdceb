import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { checksums } from './checksums'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'elb-sums-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

it("lists every installer and update feed under the folder in sha256sum's format, and nothing else", async () => {
  await mkdir(join(dir, '0.1.0', 'linux-unpacked'), { recursive: true })
  const files: Record<string, string> = {
    '0.1.0/ecr-layer-browser-0.1.0-mac-arm64.dmg': 'dmg',
    '0.1.0/ecr-layer-browser-0.1.0-mac-arm64.zip': 'zip',
    '0.1.0/ecr-layer-browser-0.1.0-win-x64-setup.exe': 'exe',
    '0.1.0/ecr-layer-browser-0.1.0-win-x64-setup.exe.blockmap': 'map',
    '0.1.0/ecr-layer-browser-0.1.0-linux-x86_64.AppImage': 'appimage',
    '0.1.0/ecr-layer-browser-0.1.0-linux-amd64.deb': 'deb',
    '0.1.0/latest-linux.yml': 'feed',
    '0.1.0/builder-debug.yml': 'not shipped',
    '0.1.0/linux-unpacked/ecr-layer-browser': 'not shipped',
  }
  for (const [path, text] of Object.entries(files)) await writeFile(join(dir, path), text)
  const lines = (await checksums(dir)).trimEnd().split('\n')
  expect(lines).toEqual([
    `${sha256('deb')}  ecr-layer-browser-0.1.0-linux-amd64.deb`,
    `${sha256('appimage')}  ecr-layer-browser-0.1.0-linux-x86_64.AppImage`,
    `${sha256('dmg')}  ecr-layer-browser-0.1.0-mac-arm64.dmg`,
    `${sha256('zip')}  ecr-layer-browser-0.1.0-mac-arm64.zip`,
    `${sha256('exe')}  ecr-layer-browser-0.1.0-win-x64-setup.exe`,
    `${sha256('map')}  ecr-layer-browser-0.1.0-win-x64-setup.exe.blockmap`,
    `${sha256('feed')}  latest-linux.yml`,
  ])
})
