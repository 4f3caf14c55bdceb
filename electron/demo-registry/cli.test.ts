import { DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url))
const TSX = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url))

describe('npm run demo-registry', () => {
  it('prints its endpoint and a sourceable export block, serves, and exits on SIGTERM', async () => {
    const child = spawn(TSX, [CLI, '--repositories', '12'], { stdio: ['ignore', 'pipe', 'pipe'] })
    try {
      const lines: string[] = []
      const reader = createInterface({ input: child.stdout })
      // Read until the last export line rather than waiting a fixed time.
      for await (const line of reader) {
        lines.push(line)
        if (line.startsWith('export AWS_ENDPOINT_URL_ECR=')) break
      }

      expect(lines[0]).toMatch(/^Demo registry listening on http:\/\/127\.0\.0\.1:\d+$/)
      const endpoint = lines[0]?.replace('Demo registry listening on ', '') ?? ''
      const exports: Record<string, string> = {}
      for (const line of lines.slice(1)) {
        const match = /^export ([A-Z_]+)=(.*)$/.exec(line)
        expect(match, line).not.toBeNull()
        exports[match?.[1] ?? ''] = match?.[2] ?? ''
      }
      expect(Object.keys(exports)).toEqual([
        'AWS_ACCESS_KEY_ID',
        'AWS_SECRET_ACCESS_KEY',
        'AWS_REGION',
        'AWS_ENDPOINT_URL_ECR',
      ])
      expect(exports['AWS_REGION']).toBe('us-east-1')
      expect(exports['AWS_ENDPOINT_URL_ECR']).toBe(endpoint)

      const client = new ECRClient({
        endpoint,
        region: exports['AWS_REGION'],
        maxAttempts: 1,
        credentials: {
          accessKeyId: exports['AWS_ACCESS_KEY_ID'] ?? '',
          secretAccessKey: exports['AWS_SECRET_ACCESS_KEY'] ?? '',
        },
      })
      const out = await client.send(new DescribeRepositoriesCommand({}))
      client.destroy()
      expect(out.repositories).toHaveLength(12)

      const exited = once(child, 'exit')
      child.kill('SIGTERM')
      const [code] = (await exited) as [number | null]
      expect(code).toBe(0)
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
    }
  })
})
