import { demoRunKeys } from './samples/supply-chain-artifacts'
import { DemoRegistry } from './server'

/** The static key pair a running registry accepts. */
export interface RegistryCredentials {
  readonly accessKeyId: string
  readonly secretAccessKey: string
}

/** A registry listening on loopback: what a client needs to reach it, and how to stop it. */
export interface RunningRegistry {
  /** `http://127.0.0.1:<port>`, for both ECR and STS. */
  readonly endpoint: string
  readonly region: string
  readonly credentials: RegistryCredentials
  /**
   * The PEM public key of this run's cosign signing key, which signed demo/signed's images: shown
   * so a user can try signature verification. Its private half never leaves the registry.
   */
  readonly signingPublicKeyPem: string
  /** Stops listening and closes every open connection. */
  readonly stop: () => Promise<void>
}

/** How the registry is seeded; none of these can switch fault injection on. */
export interface StartOptions {
  /** How many repositories to seed (default 40): the fixed samples first, then generated ones. */
  readonly repositoryCount?: number
  /** The region requests must be signed for (default us-east-1). */
  readonly region?: string
}

/**
 * The demo registry's one entry point for the app and the CLI: seeds the samples, listens on a
 * free loopback port and hands back the endpoint, region and this run's random key pair. Fault
 * injection is off and nothing returned can turn it on; tests and benches that need faults use
 * `start({ faults: true })` from `./testing`, which lint keeps out of the app's code.
 */
export async function start(options: StartOptions = {}): Promise<RunningRegistry> {
  const registry = new DemoRegistry({ ...options, faults: false })
  const { endpoint } = await registry.start()
  return {
    endpoint,
    region: registry.region,
    credentials: registry.credentials,
    signingPublicKeyPem: demoRunKeys().published.publicKeyPem,
    stop: () => registry.stop(),
  }
}
