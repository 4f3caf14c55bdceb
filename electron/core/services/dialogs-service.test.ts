import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { AppErrorException } from '../../../shared/ipc/result'
import { fakePlatform } from '../testing/app-harness'
import { DialogsService } from './dialogs-service'
import { DownloadFolder } from './download-folder'
import { UserPaths } from './user-paths'

const dirs: string[] = []
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })))
})

async function setUp() {
  const root = await mkdtemp(join(tmpdir(), 'elb-dialogs-'))
  dirs.push(root)
  const downloads = join(root, 'downloads')
  const elsewhere = join(root, 'elsewhere')
  await mkdir(downloads)
  await mkdir(elsewhere)
  const platform = fakePlatform(downloads)
  const remembered: string[] = []
  const folder = new DownloadFolder({
    override: undefined,
    chosen: () => Promise.resolve(null),
    osDefault: () => downloads,
  })
  const paths = new UserPaths({
    downloadFolder: () => folder.path(),
    pickedFolders: () => Promise.resolve(remembered),
    rememberFolder: (path) => Promise.resolve(void remembered.push(path)),
    canChooseFile: () => platform.canChooseFile,
  })
  const dialogs = new DialogsService({ platform, paths, folder })
  return { dialogs, platform, paths, downloads, elsewhere, remembered }
}

async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(AppErrorException)
  return (error as AppErrorException).error
}

describe('show in folder', () => {
  it('shows a file in the download folder that is there', async () => {
    const { dialogs, platform, downloads } = await setUp()
    const file = join(downloads, 'layer.tar.gz')
    await writeFile(file, 'x')
    expect(await dialogs.handlers()['dialogs:show-in-folder']({ path: file })).toBeNull()
    expect(platform.shown).toEqual([file])
  })

  it('checks the file is there before showing it: a missing one is InvalidParameter, nothing shown', async () => {
    const { dialogs, platform, downloads } = await setUp()
    const missing = join(downloads, 'gone.tar.gz')
    const error = await refusal(dialogs.showInFolder(missing))
    expect(error).toMatchObject({ code: 'InvalidParameter', field: 'path' })
    expect(error.message).toBe(`no file at ${missing}`)
    expect(platform.shown).toEqual([])
  })

  it('refuses a file the user did not choose before looking at it', async () => {
    const { dialogs, platform, elsewhere } = await setUp()
    const file = join(elsewhere, 'secret.txt')
    await writeFile(file, 'secret')
    expect(await refusal(dialogs.showInFolder(file))).toMatchObject({
      code: 'PathNotChosen',
      field: 'path',
    })
    expect(platform.shown).toEqual([])
  })
})

describe('the folder and file dialogs', () => {
  it('choose-folder starts in the download folder and honours the folder returned, remembered', async () => {
    const { dialogs, platform, paths, downloads, elsewhere, remembered } = await setUp()
    const titles: { title: string; defaultPath?: string }[] = []
    platform.chooseFolder = (options) => {
      titles.push(options)
      return Promise.resolve(elsewhere)
    }
    expect(await dialogs.chooseFolder()).toEqual({ path: elsewhere })
    expect(titles).toEqual([{ title: 'Choose a download folder', defaultPath: downloads }])
    expect(remembered).toEqual([elsewhere])
    expect(await paths.check(join(elsewhere, 'new'), 'directory', 'folder')).toBe(
      join(elsewhere, 'new'),
    )
  })

  it('choose-folder cancelled honours nothing', async () => {
    const { dialogs, platform, remembered } = await setUp()
    platform.chooseFolder = () => Promise.resolve(null)
    expect(await dialogs.chooseFolder()).toEqual({ path: null })
    expect(remembered).toEqual([])
  })

  it('choose-file honours the returned file for show-in-folder, and only that file', async () => {
    const { dialogs, platform, elsewhere } = await setUp()
    const file = join(elsewhere, 'picked.tar.gz')
    await writeFile(file, 'x')
    await writeFile(join(elsewhere, 'other.tar.gz'), 'y')
    platform.chosenFile = file
    expect(await dialogs.chooseFile()).toEqual({ path: file, picker: true })
    expect(await dialogs.showInFolder(file)).toBeNull()
    expect(platform.shown).toEqual([file])
    expect(await refusal(dialogs.showInFolder(join(elsewhere, 'other.tar.gz')))).toMatchObject({
      code: 'PathNotChosen',
    })
  })

  it('capabilities are the platform’s', async () => {
    const { dialogs, platform } = await setUp()
    platform.canShowInFolder = false
    platform.canChooseFile = false
    expect(await dialogs.handlers()['dialogs:capabilities']({})).toEqual({
      showInFolder: false,
      chooseFolder: true,
      chooseFile: false,
    })
  })
})

describe('open external', () => {
  it('opens AWS documentation links and refuses any other site', async () => {
    const { dialogs, platform } = await setUp()
    const opened: string[] = []
    platform.openExternal = (url) => {
      opened.push(url)
      return Promise.resolve()
    }
    const docs = 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/what-is-ecr.html'
    expect(await dialogs.openExternal(docs)).toBeNull()
    expect(await refusal(dialogs.openExternal('https://evil.example/'))).toMatchObject({
      code: 'InvalidParameter',
      field: 'url',
    })
    expect(opened).toEqual([docs])
  })
})
