import type { RunningRegistry } from '../index'
import { DemoRegistry, type DemoRegistryOptions } from '../server'
import { demoRunKeys } from '../samples/supply-chain-artifacts'

export { DemoRegistry } from '../server'
export type {
  BlobFault,
  BlobFaultSpec,
  BlobRef,
  BlobRequestLogEntry,
  DemoCredentialsInit,
  DemoRegistryOptions,
  FaultError,
  FaultSpec,
  ImageRecord,
  RequestLogEntry,
  SampleCatalogue,
  ScanInfo,
  SyntheticBlobOptions,
  UncachedUpstreamImage,
} from '../server'
export {
  ECR_PUBLIC_UPSTREAM,
  MEDIA_TYPES,
  SAMPLE_REPOSITORIES,
  SAMPLE_TAGS,
  SCALE_IMAGE_COUNT,
} from '../server'
export { WEB_APP_LONG_NAME, WEB_APP_VERY_LONG_PATH } from '../samples/index'
export { deterministicBytes } from '../keystream'

/** What tests and benches may set: everything the registry takes, fault injection included. */
export type TestStartOptions = DemoRegistryOptions

/** A running registry plus its full control surface: samples, logs, synthetic blobs, faults. */
export interface TestRegistry extends RunningRegistry {
  readonly registry: DemoRegistry
}

/**
 * Starts a registry for a test or a bench. Fault injection stays off unless `faults: true`;
 * only tests, `electron/core/testing/`, e2e fixtures and benches may import this module.
 */
export async function start(options: TestStartOptions = {}): Promise<TestRegistry> {
  const registry = new DemoRegistry({ faults: false, ...options })
  const { endpoint } = await registry.start()
  return {
    endpoint,
    region: registry.region,
    credentials: registry.credentials,
    signingPublicKeyPem: demoRunKeys().published.publicKeyPem,
    stop: () => registry.stop(),
    registry,
  }
}
