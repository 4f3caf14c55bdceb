import { join } from 'node:path'
import type { EventChannel, PayloadOf } from '../../shared/ipc/contract'
import { AppErrorException } from '../../shared/ipc/result'
import { start as startDemoRegistry, type RunningRegistry } from '../demo-registry/index'
import { createDispatch, type Dispatch, type Handlers } from './ipc/dispatch'
import { isAllowedExternalUrl, type Platform } from './platform/platform'
import { ConnectionService, type DemoEndpoint } from './services/connection-service'
import { BlobDownloader, fileSize } from './services/blob-downloader'
import { DownloadService } from './services/download-service'
import { LayerContentsService } from './layers/layer-contents-service'
import { EcrService } from './services/ecr-service'
import { Operations } from './operations/operations'
import { createBlobHttp } from './services/http'
import type { Logger } from './services/logger'
import { ProfilesService } from './services/profiles-service'
import { SettingsService } from './services/settings-service'
import { DownloadHistoryService, historyEntry } from './services/download-history'
import { toAppError } from './ipc/to-app-error'
import { UserPaths } from './services/user-paths'
import { ExportService } from './export/export-service'
import { FindingsService } from './services/findings-service'
import { SupplyChainService } from './supply-chain/supply-chain-service'
import { blobText, listedBlob, MAX_RAW_TEXT_BYTES, tooLargeToShow } from './supply-chain/blob-text'
import { findingsFileName, writeFindings } from './services/findings-export'
import { blobFileName } from '../../shared/file-names'
import { cacheKey } from './layers/index-cache'

/** Sends one contract event to the renderer. */
export type Emit = <E extends EventChannel>(channel: E, payload: PayloadOf<E>) => void

/** What the shell (Electron or the web bridge) provides. */
export interface AppOptions {
  dataDir: string
  env: NodeJS.ProcessEnv
  platform: Platform
  emit: Emit
  log: Logger
}

/** The app's main-process side, independent of how requests arrive. */
export interface App {
  dispatch: Dispatch
  /** The channels that have a handler, for the contract test. */
  channels: string[]
  dispose(): Promise<void>
}

/** The composition root: builds every service by hand and maps each channel to one of them. */
export function createApp({ dataDir, env, platform, emit, log }: AppOptions): App {
  const settings = new SettingsService(join(dataDir, 'settings.json'), { log })
  const profiles = new ProfilesService(env)
  const history = new DownloadHistoryService(join(dataDir, 'download-history.json'))
  // Where a download ends (any way but a conflict, which waits for an answer), it is remembered.
  // A history that cannot be saved is logged, never the download's failure.
  const remember = (entry: Parameters<typeof history.record>[0]) =>
    void history.record(entry).catch((error: unknown) => {
      log.warn('downloads', `download history not saved: ${String(error)}`)
    })

  let demo: RunningRegistry | null = null
  let demoStarted: Promise<DemoEndpoint> | null = null
  const startDemo = (): Promise<DemoEndpoint> => {
    demoStarted ??= (async () => {
      // The app's start path: the entry point has no way to switch fault injection on.
      demo = await startDemoRegistry({
        region: 'us-east-1',
        repositoryCount: Number(env.ECR_LAYER_BROWSER_DEMO_REPOSITORIES) || undefined,
      })
      log.info('demo-registry', `listening on ${demo.endpoint}`)
      return { endpoint: demo.endpoint, region: demo.region, credentials: demo.credentials }
    })()
    return demoStarted
  }

  const connection = new ConnectionService({
    settings,
    profiles,
    env,
    startDemo,
    onChange: (state) => {
      ecr.reset()
      emit('connection:changed', state)
    },
  })
  // One blob HTTP stack, and so one proxy-aware connection pool, for config blobs, layer
  // downloads and the blobs the layer-contents reader fetches.
  const blobHttp = createBlobHttp(env)
  const ecr = new EcrService(() => connection.target(), { http: blobHttp })
  const supplyChain = new SupplyChainService(
    ecr,
    { http: blobHttp },
    async () => (await settings.get()).trustedKeys,
  )
  const findings = new FindingsService(
    () => connection.target(),
    (request) => ecr.getManifest(request),
  )
  const downloadFolder = async () => {
    const override = env.ECR_LAYER_BROWSER_DOWNLOAD_DIR
    const chosen = (await settings.get()).downloadDir
    return { path: override || chosen || platform.downloadsFolder(), overridden: Boolean(override) }
  }
  // Paths from the renderer are honoured only if the user chose them (see user-paths.ts).
  const userPaths = new UserPaths({
    downloadFolder: async () => (await downloadFolder()).path,
    pickedFolders: async () => (await settings.get()).pickedFolders,
    rememberFolder: async (path) => void (await settings.rememberFolder(path)),
    canChooseFile: () => platform.canChooseFile,
  })
  const operations = new Operations({ platform })
  const downloader = new BlobDownloader({ http: blobHttp })
  const downloads = new DownloadService({
    downloader,
    getUrl: ({ digest, ...image }) => ecr.downloadUrl(image, digest),
    defaultDirectory: async () => (await downloadFolder()).path,
    concurrency: async () => (await settings.get()).downloadConcurrency,
    emit,
    operations,
  })

  const contents = new LayerContentsService({
    dataDir,
    downloader,
    getUrl: (image, digest) => ecr.downloadUrl(image, digest),
    getManifest: (request) => ecr.getManifest(request),
    downloadFolder: async () => (await downloadFolder()).path,
    platform,
    emit,
    operations,
  })

  // "Save image…": blobs already verified in the download folder or the contents cache are
  // copied in (reflink, hard link or copy) rather than fetched again.
  const exports = new ExportService({
    ecr,
    pipeline: downloader.pipeline,
    operations,
    emit: (progress) => emit('export:progress', progress),
    concurrency: async () => (await settings.get()).downloadConcurrency,
    downloadFolder: async () => (await downloadFolder()).path,
    candidates: async (digest, mediaType, repositoryName) => [
      join((await downloadFolder()).path, blobFileName(repositoryName, digest, mediaType)),
      join(dataDir, 'layer-blobs', cacheKey(digest)),
    ],
  })

  const handlers: Handlers = {
    'connection:get': () => connection.get(),
    'connection:set': (choice) => connection.set(choice),
    'connection:list-profiles': () => profiles.list(),
    'connection:identity': async () => {
      const [state, registry] = await Promise.all([connection.get(), ecr.describeRegistry()])
      return {
        account: registry.registryId,
        region: state.region,
        profile: state.profile,
        kind: state.kind,
      }
    },
    'connection:caller-identity': async () => ({ arn: await connection.callerArn() }),
    'ecr:list-repositories': (request) => ecr.listRepositories(request),
    'ecr:describe-repository': (request) => ecr.describeRepository(request),
    'connection:set-registry': ({ registryId }) => connection.setRegistry(registryId),
    'ecr:list-images': (request) => ecr.listImages(request),
    'ecr:describe-image': (request) => ecr.describeImage(request),
    'ecr:list-referrers': (request) => ecr.listReferrers(request),
    'ecr:signing-status': (request) => ecr.signingStatus(request),
    'supply-chain:referrers': (request) => supplyChain.referrers(request),
    'supply-chain:sbom': (request) => supplyChain.sbom(request),
    'supply-chain:provenance': (request) => supplyChain.provenance(request),
    'supply-chain:notation': (request) => supplyChain.notation(request),
    'supply-chain:verify': (request) => supplyChain.verifyCosign(request),
    'supply-chain:blob': async ({ blobDigest, ...request }) => {
      const blob = listedBlob(await supplyChain.blobsOf(request), blobDigest)
      if (!blob) {
        throw new AppErrorException({
          code: 'InvalidParameter',
          message: `The referrer ${request.digest} lists no blob ${blobDigest}. Reopen the Supply chain tab to read its blobs again.`,
        })
      }
      return (
        tooLargeToShow(blob) ??
        blobText(blob, await supplyChain.blob(request, blob, MAX_RAW_TEXT_BYTES))
      )
    },
    'supply-chain:demo-key': async () => {
      const state = await connection.get()
      return state.kind === 'demo' && demo ? { publicKeyPem: demo.signingPublicKeyPem } : null
    },
    'ecr:get-manifest': (request) => ecr.getManifest(request),
    'ecr:get-config': (request) => ecr.getConfig(request),
    'ecr:check-layers': (request) => ecr.checkLayers(request),
    'ecr:list-pull-through-rules': (request) => ecr.listPullThroughRules(request),
    'downloads:start': async (request) => {
      if (request.directory !== undefined) {
        await userPaths.check(request.directory, 'directory', 'folder')
      }
      try {
        const result = await downloads.download(request)
        if (result.status !== 'conflict') remember(historyEntry(request, result, null, new Date()))
        return result
      } catch (error) {
        remember(historyEntry(request, null, toAppError(error), new Date()))
        throw error
      }
    },
    'operations:cancel': ({ operationId }) => Promise.resolve(operations.cancel(operationId)),
    'downloads:url': (request) => downloads.downloadUrl(request),
    'downloads:verify-file': async (request) => {
      await userPaths.check(request.path, 'path', 'file')
      return downloads.verifyFile(request)
    },
    'downloads:list-partials': () => downloads.listPartials(),
    'downloads:discard-partial': ({ path }) => downloads.discardPartial(path),
    'dialogs:show-in-folder': async ({ path }) => {
      await userPaths.check(path, 'path', 'file')
      if ((await fileSize(path)) === null) {
        throw new AppErrorException({
          code: 'InvalidParameter',
          field: 'path',
          message: `no file at ${path}`,
        })
      }
      platform.showItemInFolder(path)
      return null
    },
    'dialogs:choose-folder': async () => {
      const path = await platform.chooseFolder({
        title: 'Choose a download folder',
        defaultPath: (await downloadFolder()).path,
      })
      if (path !== null) await userPaths.folderChosen(path)
      return { path }
    },
    'dialogs:choose-file': async ({ defaultPath }) => {
      // Without a dialog the renderer says to type the path; asking would only log.
      if (!platform.canChooseFile) return { path: null, picker: false }
      const path = await platform.chooseFile({
        title: 'Choose a file to verify',
        defaultPath: defaultPath ?? (await downloadFolder()).path,
      })
      if (path !== null) userPaths.fileChosen(path)
      return { path, picker: true }
    },
    'downloads:folder': () => downloadFolder(),
    'contents:index': (request) => contents.index(request),
    'contents:index-file': async (request) => {
      await userPaths.check(request.path, 'path', 'file')
      return contents.indexFile(request)
    },
    'contents:image-filesystem': (request) => contents.imageFilesystem(request),
    'contents:diff': (request) => contents.diff(request),
    'contents:extract': (request) => contents.extract(request),
    'contents:preview': (request) => contents.preview(request),
    'contents:cache': () => contents.cacheInfo(),
    'contents:clear-cache': () => contents.clearCache(),
    'downloads:history': () => history.list(),
    'downloads:clear-history': () => history.clear(),
    'export:save-image': async (request) => {
      await userPaths.check(request.target, 'target', 'folder')
      return exports.save(request)
    },
    'export:verify-layout': async ({ path, operationId }) => {
      await userPaths.check(path, 'path', 'file')
      return exports.verify(path, operationId)
    },
    'export:list-unfinished': () => exports.listUnfinished(),
    'ecr:scan-findings': (request) => findings.imageFindings(request),
    'ecr:scan-counts': (request) => findings.counts(request),
    'findings:export': async ({ format, path, ...image }) => {
      const inDownloads = path === undefined
      const target = inDownloads
        ? join(
            (await downloadFolder()).path,
            findingsFileName(image.repositoryName, image.imageDigest, format),
          )
        : await userPaths.check(path, 'path', 'file')
      // The download folder is the app's own to create; a chosen path's folder must exist.
      return writeFindings(target, await findings.imageFindings(image), format, {
        createFolder: inDownloads,
      })
    },
    'settings:get': () => settings.get(),
    'settings:notice': () => settings.notice(),
    'settings:dismiss-notice': () => Promise.resolve(settings.dismissNotice()),
    'settings:update': async (patch) => {
      // The download folder is where typed paths are honoured, so it too must be one the user
      // chose with the folder dialog (or one inside a folder already allowed).
      if (patch.downloadDir) await userPaths.check(patch.downloadDir, 'downloadDir', 'folder')
      return settings.update(patch)
    },
    'settings:add-trusted-key': (request) => settings.addTrustedKey(request),
    'settings:remove-trusted-key': ({ id }) => settings.removeTrustedKey(id),
    'dialogs:capabilities': () =>
      Promise.resolve({
        showInFolder: platform.canShowInFolder,
        chooseFolder: platform.canChooseFolder,
        chooseFile: platform.canChooseFile,
      }),
    'dialogs:open-external': async ({ url }) => {
      if (!isAllowedExternalUrl(url)) {
        throw new AppErrorException({
          code: 'InvalidParameter',
          field: 'url',
          message: 'only AWS documentation and console links can be opened',
        })
      }
      await platform.openExternal(url)
      return null
    },
  }

  const dispatch = createDispatch(handlers, () => connection.context())
  return {
    channels: Object.keys(handlers),
    dispatch: async (channel, request) => {
      const started = Date.now()
      const result = await dispatch(channel, request)
      log.info(
        'ipc',
        `${channel} ${result.ok ? 'ok' : result.error.code} ${Date.now() - started}ms`,
      )
      return result
    },
    async dispose() {
      await connection.dispose()
      await demo?.stop()
    },
  }
}
