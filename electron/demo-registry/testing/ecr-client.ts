// Test-only: the setup the demo registry's operation tests share: a registry started before the
// describe block's tests, an ECR client pointed at it, both stopped after.
import { ECRClient } from '@aws-sdk/client-ecr'
import { afterAll, beforeAll } from 'vitest'
import type { DemoRegistry } from '../server'

/**
 * Starts `registry` before the enclosing describe block's tests and stops it after; `use` is given
 * an ECR client on it (us-east-1, its credentials, no retries), destroyed after the tests.
 */
export function withEcrClient(registry: DemoRegistry, use: (ecr: ECRClient) => void): void {
  let ecr: ECRClient | undefined
  beforeAll(async () => {
    const { endpoint } = await registry.start()
    ecr = new ECRClient({
      endpoint,
      region: 'us-east-1',
      credentials: registry.credentials,
      maxAttempts: 1,
    })
    use(ecr)
  })
  afterAll(async () => {
    ecr?.destroy()
    await registry.stop()
  })
}
