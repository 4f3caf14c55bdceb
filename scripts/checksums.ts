import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readdir, writeFile } from 'node:fs/promises'
import { basename, join, resolve } from 'node:path'
import { pipeline } from 'node:stream/promises'

// `tsx scripts/checksums.ts <release folder> <output file>`: the SHA-256 of every installer and
// update file electron-builder wrote under the folder, in sha256sum's format (`sha256sum -c`
// checks a download against it). The release workflow uploads it beside the installers.

/** The files a release ships: installers, update archives, their blockmaps and update feeds. */
export const RELEASE_FILE = /\.(dmg|zip|exe|AppImage|deb|rpm|blockmap)$|^latest[\w-]*\.yml$/

/** One line per file, `<hex>  <name>`, sorted by name. */
export async function checksums(folder: string): Promise<string> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true })
  const files = entries
    .filter((entry) => entry.isFile() && RELEASE_FILE.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort((a, b) => (basename(a) < basename(b) ? -1 : basename(a) > basename(b) ? 1 : 0))
  const lines: string[] = []
  for (const file of files) {
    const hash = createHash('sha256')
    await pipeline(createReadStream(file), hash)
    lines.push(`${hash.digest('hex')}  ${basename(file)}`)
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : ''
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const [folder, output] = process.argv.slice(2)
  if (!folder || !output) {
    console.error('usage: tsx scripts/checksums.ts <release folder> <output file>')
    process.exit(2)
  }
  const text = await checksums(folder)
  if (text === '') {
    console.error(`No installers found under ${folder}.`)
    process.exit(1)
  }
  await writeFile(output, text)
  console.log(text.trimEnd())
}
