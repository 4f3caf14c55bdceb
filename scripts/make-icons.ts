import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { Icns, IcnsImage } from '@fiahfy/icns'
import { Resvg } from '@resvg/resvg-js'
import pngToIco from 'png-to-ico'

// `npm run icons`: renders build/icon.svg, the one source image, into every icon the installers
// need. Each size is rendered from the vector, not scaled down from a large bitmap, so small sizes
// stay sharp. The outputs are committed; packaging.test.ts checks they match the source.

/** Linux (build/icons/NxN.png) sizes. */
export const PNG_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024]
/** Windows .ico sizes. */
export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256]
/** macOS .icns entries: OSType and pixel size (the @2x types are the larger renderings). */
export const ICNS_ENTRIES = [
  ['icp4', 16],
  ['icp5', 32],
  ['ic11', 32],
  ['icp6', 64],
  ['ic12', 64],
  ['ic07', 128],
  ['ic08', 256],
  ['ic13', 256],
  ['ic09', 512],
  ['ic14', 512],
  ['ic10', 1024],
] as const

/** Renders the SVG to a square PNG of `size` pixels. */
export function renderPng(svg: string, size: number): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'width', value: size },
    font: { loadSystemFonts: false },
  })
  return Buffer.from(resvg.render().asPng())
}

/** Every generated file, relative to build/, with its bytes. */
export async function makeIcons(svg: string): Promise<Map<string, Buffer>> {
  const png = new Map(PNG_SIZES.map((size) => [size, renderPng(svg, size)]))
  const at = (size: number) => png.get(size)!
  const files = new Map<string, Buffer>()
  files.set('icon.png', at(1024))
  for (const size of PNG_SIZES) files.set(`icons/${size}x${size}.png`, at(size))
  files.set('icon.ico', await pngToIco(ICO_SIZES.map(at)))
  const icns = new Icns()
  for (const [osType, size] of ICNS_ENTRIES) icns.append(IcnsImage.fromPNG(at(size), osType))
  files.set('icon.icns', icns.data)
  return files
}

async function main(): Promise<void> {
  const buildDir = resolve(import.meta.dirname, '..', 'build')
  const files = await makeIcons(await readFile(join(buildDir, 'icon.svg'), 'utf8'))
  await mkdir(join(buildDir, 'icons'), { recursive: true })
  for (const [name, bytes] of files) {
    await writeFile(join(buildDir, name), bytes)
    console.log(`build/${name} (${bytes.length} bytes)`)
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) await main()
