import { MutationObserver, onlineManager, QueryObserver } from '@tanstack/react-query'
import { afterEach, describe, expect, it } from 'vitest'
import { createQueryClient } from './query-client'

// The renderer never reaches the network itself: every query and mutation is a call to main (or
// the bridge), which talks to AWS, or to the built-in demo registry that works with no network at
// all. So the browser's idea of being offline must not hold anything back.
describe('createQueryClient while the browser says it is offline', () => {
  afterEach(() => onlineManager.setOnline(true))

  it('still runs a query', async () => {
    onlineManager.setOnline(false)
    const client = createQueryClient()
    const observer = new QueryObserver(client, {
      queryKey: ['repositories'],
      queryFn: () => Promise.resolve(['demo/app']),
    })
    const settled = new Promise((resolve) =>
      observer.subscribe((result) => {
        if (result.status === 'success') resolve(result.data)
      }),
    )
    await expect(settled).resolves.toEqual(['demo/app'])
    expect(client.getQueryState(['repositories'])?.fetchStatus).toBe('idle')
  })

  it('still runs a mutation (a download is one)', async () => {
    onlineManager.setOnline(false)
    const client = createQueryClient()
    const observer = new MutationObserver(client, {
      mutationFn: (digest: string) => Promise.resolve({ status: 'downloaded', digest }),
    })
    await expect(observer.mutate('sha256:aa')).resolves.toEqual({
      status: 'downloaded',
      digest: 'sha256:aa',
    })
  })
})
