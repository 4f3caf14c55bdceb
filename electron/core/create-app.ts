import { join } from 'node:path'
import type { EventChannel, PayloadOf } from '../../shared/ipc/contract'
import { start as startDemoRegistry, type RunningRegistry } from '../demo-registry/index'
import { createDispatch, type Dispatch } from './ipc/dispatch'
import { mergeHandlers, type HandlerTables, type ServicePrefix } from './ipc/handlers'
import type { Platform } from './platform/platform'
import { ConnectionService, type DemoEndpoint } from './services/connection-service'
import { BlobDownloader } from './services/blob-downloader'
import { DialogsService } from './services/dialogs-service'
import { DownloadFolder } from './services/download-folder'
import { DownloadService } from './services/download-service'
import { LayerContentsService } from './layers/layer-contents-service'
import { EcrService } from './services/ecr-service'
import { Operations } from './operations/operations'
import { createBlobHttp } from './services/http'
import type { Logger } from './services/logger'
import { ProfilesService } from './services/profiles-service'
import { SettingsService } from './services/settings-service'
import { DownloadHistoryService } from './services/download-history'
import { UserPaths } from './services/user-paths'
import { ExportService } from './export/export-service'
import { FindingsService } from './services/findings-service'
import { SupplyChainService } from './supply-chain/supply-chain-service'
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
  /** The channels each service's table answers, by prefix, for the contract test. */
  tables: Readonly<Record<ServicePrefix, readonly string[]>>
  dispose(): Promise<void>
}

/**
 * The composition root: builds every service by hand with its dependencies, and hands the
 * dispatcher the services' own handler tables, one per channel prefix.
 */
export function createApp({ dataDir, env, platform, emit, log }: AppOptions): App {
  const settings = new SettingsService(join(dataDir, 'settings.json'), { log })
  const profiles = new ProfilesService(env)
  const history = new DownloadHistoryService(join(dataDir, 'download-history.json'))

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
      return {
        endpoint: demo.endpoint,
        region: demo.region,
        credentials: demo.credentials,
        signingPublicKeyPem: demo.signingPublicKeyPem,
      }
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
  const folder = new DownloadFolder({
    override: env.ECR_LAYER_BROWSER_DOWNLOAD_DIR,
    chosen: async () => (await settings.get()).downloadDir,
    osDefault: () => platform.downloadsFolder(),
  })
  // Paths from the renderer are honoured only if the user chose them (see user-paths.ts).
  const userPaths = new UserPaths({
    downloadFolder: () => folder.path(),
    pickedFolders: async () => (await settings.get()).pickedFolders,
    rememberFolder: async (path) => void (await settings.rememberFolder(path)),
    canChooseFile: () => platform.canChooseFile,
  })
  const dialogs = new DialogsService({ platform, paths: userPaths, folder })
  const operations = new Operations({ platform })
  const downloader = new BlobDownloader({ http: blobHttp })
  const downloads = new DownloadService({
    downloader,
    getUrl: ({ digest, ...image }) => ecr.downloadUrl(image, digest),
    defaultDirectory: () => folder.path(),
    concurrency: async () => (await settings.get()).downloadConcurrency,
    emit,
    operations,
  })

  const contents = new LayerContentsService({
    dataDir,
    downloader,
    getUrl: (image, digest) => ecr.downloadUrl(image, digest),
    getManifest: (request) => ecr.getManifest(request),
    downloadFolder: () => folder.path(),
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
    downloadFolder: () => folder.path(),
    candidates: async (digest, mediaType, repositoryName) => [
      join(await folder.path(), blobFileName(repositoryName, digest, mediaType)),
      join(dataDir, 'layer-blobs', cacheKey(digest)),
    ],
  })

  const tables: HandlerTables = {
    connection: connection.handlers(),
    // ECR's read calls: the ECR service's, and the scan findings' (the findings service reads them).
    ecr: { ...ecr.handlers(), ...findings.scanHandlers() },
    'supply-chain': supplyChain.handlers({ demoKey: () => connection.demoKey() }),
    downloads: downloads.handlers({ paths: userPaths, history, folder, log }),
    operations: operations.handlers(),
    dialogs: dialogs.handlers(),
    contents: contents.handlers(userPaths),
    findings: findings.handlers({ paths: userPaths, folder }),
    export: exports.handlers(userPaths),
    settings: settings.handlers(userPaths),
  }
  const handlers = mergeHandlers(tables)

  const dispatch = createDispatch(handlers, () => connection.context())
  return {
    channels: Object.keys(handlers),
    tables: Object.fromEntries(
      Object.entries(tables).map(([prefix, table]) => [prefix, Object.keys(table)]),
    ) as Record<ServicePrefix, string[]>,
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
