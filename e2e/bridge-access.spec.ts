import { expect, test } from './fixtures'

test('the bridge refuses the page and every channel without the per-run token', async ({
  request,
  bridge,
}) => {
  const origin = new URL(bridge.url).origin
  const page = await request.get(`${origin}/`)
  expect(page.status()).toBe(403)

  const invoke = await request.post(`${origin}/__bridge/invoke/connection:get`, { data: {} })
  expect(invoke.status()).toBe(403)
  expect(await invoke.json()).toMatchObject({ ok: false, error: { code: 'Forbidden' } })

  const wrong = await request.post(`${origin}/__bridge/invoke/connection:get`, {
    data: {},
    headers: { 'x-bridge-token': 'guess' },
  })
  expect(wrong.status()).toBe(403)

  const events = await request.get(`${origin}/__bridge/events?token=guess`)
  expect(events.status()).toBe(403)

  const token = new URL(bridge.url).searchParams.get('token')!
  const allowed = await request.post(`${origin}/__bridge/invoke/connection:get`, {
    data: {},
    headers: { 'x-bridge-token': token },
  })
  expect(await allowed.json()).toMatchObject({ ok: true, value: { kind: 'demo' } })
})

test('the token leaves the address bar and the history for an HttpOnly, SameSite=Strict cookie', async ({
  page,
  context,
  bridge,
}) => {
  const token = new URL(bridge.url).searchParams.get('token')!
  const response = await page.goto(`${bridge.url}#/repositories`)
  await expect(page.locator('[data-app-state="ready"]')).toBeVisible()
  expect(response!.headers()['referrer-policy']).toBe('no-referrer')
  // The route in the fragment survives the redirect; the token never becomes the page's URL, so
  // no history entry, bookmark or Referer holds it.
  const origin = new URL(bridge.url).origin
  expect(page.url()).toBe(`${origin}/#/repositories`)
  const seen = await page.evaluate(() => ({
    href: location.href,
    cookie: document.cookie,
  }))
  expect(seen.href).not.toContain(token)
  // Script in the page cannot read the cookie that carries the token.
  expect(seen.cookie).toBe('')
  const cookies = await context.cookies(origin)
  expect(cookies).toEqual([
    expect.objectContaining({
      name: `elb_bridge_${new URL(bridge.url).port}`,
      value: token,
      httpOnly: true,
      sameSite: 'Strict',
      path: '/',
    }),
  ])

  // A reload keeps working without the token in the URL; a fresh context without the cookie does not.
  await page.reload()
  await expect(page.locator('[data-app-state="ready"]')).toBeVisible()
  await context.clearCookies()
  const refused = await page.goto(`${origin}/`)
  expect(refused!.status()).toBe(403)
})

test('window.ecr has exactly the contract methods and no Node globals leak into the page', async ({
  page,
  bridge,
}) => {
  await page.goto(bridge.url)
  await expect(page.locator('[data-app-state="ready"]')).toBeVisible()
  const globals = await page.evaluate(() => ({
    methods: Object.keys((window as unknown as { ecr: object }).ecr).sort(),
    frozen: Object.isFrozen((window as unknown as { ecr: object }).ecr),
    require: typeof (window as unknown as { require?: unknown }).require,
    process: typeof (window as unknown as { process?: unknown }).process,
  }))
  const { EVENT_CHANNELS, INVOKE_CHANNELS, eventMethodOf, methodOf } =
    await import('../shared/ipc/channels')
  const expected = [
    ...INVOKE_CHANNELS.map((c) => methodOf(c)),
    ...EVENT_CHANNELS.map((e) => eventMethodOf(e)),
  ].sort()
  expect(globals).toEqual({
    methods: expected,
    frozen: true,
    require: 'undefined',
    process: 'undefined',
  })
})
