import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { describe, expect, it } from 'vitest'
import { start } from './index'
import { DemoRegistry, start as startForTests } from './testing'

describe('start(), the demo registry entry point', () => {
  it('hands back endpoint, region and credentials that work, and nothing that injects faults', async () => {
    const running = await start({ repositoryCount: 3, region: 'eu-west-1' })
    try {
      // The run's cosign public key (for "Verify signature" in the demo) rides along; nothing that
      // injects faults does.
      expect(Object.keys(running).sort()).toEqual([
        'credentials',
        'endpoint',
        'region',
        'signingPublicKeyPem',
        'stop',
      ])
      expect(running.signingPublicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/)
      expect(running.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      expect(running.region).toBe('eu-west-1')
      const sts = new STSClient({
        endpoint: running.endpoint,
        region: running.region,
        credentials: running.credentials,
        maxAttempts: 1,
      })
      const identity = await sts.send(new GetCallerIdentityCommand({}))
      sts.destroy()
      expect(identity.Account).toBe('123456789012')
    } finally {
      await running.stop()
    }
    await expect(fetch(running.endpoint)).rejects.toThrow()
  })

  it('a DemoRegistry built with its defaults refuses fault injection, started or not', async () => {
    const registry = new DemoRegistry({ repositoryCount: 0 })
    const refuses = () => {
      expect(() => registry.injectFault({ error: 'ThrottlingException', times: 1 })).toThrow(
        /fault injection is off/,
      )
      expect(() => registry.injectBlobFault({ kind: 'reset', afterBytes: 0 })).toThrow(
        /fault injection is off/,
      )
    }
    refuses()
    expect(() => new DemoRegistry().injectFault({ error: 'ServerException', times: 1 })).toThrow(
      /fault injection is off/,
    )
    const { endpoint } = await registry.start()
    try {
      refuses()
      // Nothing was queued: the next call answers normally.
      const sts = new STSClient({
        endpoint,
        region: registry.region,
        credentials: registry.credentials,
        maxAttempts: 1,
      })
      const identity = await sts.send(new GetCallerIdentityCommand({}))
      sts.destroy()
      expect(identity.Account).toBe('123456789012')
    } finally {
      await registry.stop()
    }
  })

  it('the test entry point keeps fault injection off unless asked for', async () => {
    const plain = await startForTests({ repositoryCount: 0 })
    try {
      expect(() => plain.registry.injectFault({ error: 'ServerException', times: 1 })).toThrow(
        /fault injection is off/,
      )
      expect(() => plain.registry.injectBlobFault({ kind: 'throttle' })).toThrow(
        /fault injection is off/,
      )
    } finally {
      await plain.stop()
    }
    const faulty = await startForTests({ repositoryCount: 0, faults: true })
    try {
      faulty.registry.injectFault({ error: 'ThrottlingException', times: 1 })
      const sts = new STSClient({
        endpoint: faulty.endpoint,
        region: faulty.region,
        credentials: faulty.credentials,
        maxAttempts: 1,
      })
      await expect(sts.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
        name: 'Throttling',
      })
      sts.destroy()
    } finally {
      await faulty.stop()
    }
  })
})
