import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { expect, openApp, test } from './fixtures'

// The renderer as an attacker would see it: script running in the page (an XSS, a malicious
// dependency) tries to reach Node, Electron or a channel outside the contract. bridge-access.spec.ts
// already checks the token, the exact method list, that window.ecr is frozen and that `require` and
// `process` are absent; these tests add the rest.

test('the page has no Node or Electron globals, and window.ecr cannot be replaced or extended', async ({
  page,
  bridge,
}) => {
  await openApp(page, bridge)
  const seen = await page.evaluate(() => {
    const w = window as unknown as Record<string, unknown>
    const ecr = w.ecr as Record<string, unknown>
    const names = [
      'require',
      'process',
      'module',
      'exports',
      'global',
      'Buffer',
      '__dirname',
      '__filename',
      'setImmediate',
      'ipcRenderer',
      'electron',
    ]
    const globals = Object.fromEntries(names.map((name) => [name, typeof w[name]]))
    const descriptor = Object.getOwnPropertyDescriptor(window, 'ecr')!
    let replaced: boolean
    try {
      w.ecr = {}
      replaced = w.ecr !== ecr
    } catch {
      replaced = false
    }
    try {
      ecr.invoke = () => null
    } catch {
      // frozen: strict-mode assignment throws
    }
    return {
      globals,
      writable: descriptor.writable,
      configurable: descriptor.configurable,
      replaced,
      extended: 'invoke' in ecr,
      allFunctions: Object.values(ecr).every((value) => typeof value === 'function'),
      generic: ['invoke', 'send', 'on', 'ipcRenderer', 'sendSync', 'postMessage'].filter(
        (name) => name in ecr,
      ),
    }
  })
  expect(seen.globals).toEqual({
    require: 'undefined',
    process: 'undefined',
    module: 'undefined',
    exports: 'undefined',
    global: 'undefined',
    Buffer: 'undefined',
    __dirname: 'undefined',
    __filename: 'undefined',
    setImmediate: 'undefined',
    ipcRenderer: 'undefined',
    electron: 'undefined',
  })
  expect(seen).toMatchObject({
    writable: false,
    configurable: false,
    replaced: false,
    extended: false,
    allFunctions: true,
    generic: [],
  })
})

test('an injected script riding on the page’s cookie cannot call a channel outside the contract', async ({
  page,
  bridge,
  workDir,
}) => {
  await openApp(page, bridge)
  const marker = join(workDir, 'pwned')
  // The token is not in the page's URL and its cookie is HttpOnly, so injected code cannot lift it;
  // it can still call through the page's own cookie, as the app does.
  const answers = await page.evaluate(async (markerPath) => {
    const channels = [
      'shell:exec',
      'fs:write-file',
      'app:quit',
      'constructor',
      '__proto__',
      'toString',
      'connection:get/../shell:exec',
      '__ELECTRON_LOG__',
    ]
    const results: Record<string, { status: number; body: unknown }> = {}
    for (const channel of channels) {
      const response = await fetch(`/__bridge/invoke/${encodeURIComponent(channel)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          command: `touch ${markerPath}`,
          path: markerPath,
          data: 'x',
        }),
      })
      results[channel] = { status: response.status, body: await response.json() }
    }
    return results
  }, marker)

  for (const [channel, answer] of Object.entries(answers)) {
    expect(answer.body, channel).toEqual({
      ok: false,
      error: {
        code: 'InvalidParameter',
        field: 'channel',
        message: `unknown channel "${channel}"`,
      },
    })
  }
  // Nothing ran: no file, and the bridge answered each with the refusal only.
  expect(existsSync(marker)).toBe(false)
  const refused = (await bridge.trace())
    .split('\n')
    .filter((line) => Object.keys(answers).some((c) => line.startsWith(`response ${c} `)))
  expect(refused).toHaveLength(Object.keys(answers).length)
  for (const line of refused) expect(line).toContain('"ok":false')

  // A contract channel with a field outside its schema is refused the same way, before any service.
  const extra = await page.evaluate(async () => {
    const response = await fetch('/__bridge/invoke/dialogs:open-external', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'https://evil.example/' }),
    })
    return (await response.json()) as unknown
  })
  expect(extra).toMatchObject({ ok: false, error: { code: 'InvalidParameter', field: 'url' } })
})

test('an injected script cannot point main at files the user did not choose', async ({
  page,
  bridge,
}) => {
  await openApp(page, bridge)
  // Schema-valid requests, through the real window.ecr: hash /etc/shadow, index it, make a folder
  // outside the download folder, make that folder the download folder.
  const answers = await page.evaluate(async () => {
    const ecr = (window as unknown as { ecr: Record<string, (r: unknown) => Promise<unknown>> }).ecr
    const digest = `sha256:${'a'.repeat(64)}`
    return {
      verify: await ecr.downloadsVerifyFile!({
        operationId: 'inject-0001',
        path: '/etc/shadow',
        digest,
      }),
      index: await ecr.contentsIndexFile!({
        operationId: 'inject-0002',
        path: '/etc/shadow',
        mediaType: 'application/x-tar',
      }),
      download: await ecr.downloadsStart!({
        operationId: 'inject-0003',
        repositoryName: 'demo/web-app',
        digest,
        mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
        size: null,
        directory: '/tmp/elb-injected-folder',
      }),
      folder: await ecr.settingsUpdate!({ downloadDir: '/etc' }),
    }
  })
  const message = `there is no file dialog here, so typed paths must be under the download folder: put the file in ${bridge.downloadDir}`
  expect(answers.verify).toMatchObject({
    ok: false,
    error: { code: 'PathNotChosen', field: 'path', picker: false, folder: bridge.downloadDir },
  })
  expect((answers.verify as { error: { message: string } }).error.message).toContain(message)
  expect(answers.index).toMatchObject({ ok: false, error: { code: 'PathNotChosen' } })
  expect(answers.download).toMatchObject({
    ok: false,
    error: { code: 'PathNotChosen', field: 'directory' },
  })
  expect(answers.folder).toMatchObject({
    ok: false,
    error: { code: 'PathNotChosen', field: 'downloadDir' },
  })
  expect(existsSync('/tmp/elb-injected-folder')).toBe(false)
  // No size or hash of the file went back to the page: the refusal was the whole answer.
  const verifyLines = (await bridge.trace())
    .split('\n')
    .filter((line) => line.startsWith('response downloads:verify-file '))
  expect(verifyLines).toHaveLength(1)
  expect(verifyLines[0]).toContain('"code":"PathNotChosen"')
  expect(verifyLines[0]).not.toMatch(/"(size|actual)"/)
})

test('the page is served with a strict Content-Security-Policy, and inline script does not run', async ({
  page,
  bridge,
}) => {
  const response = await page.goto(bridge.url)
  await expect(page.locator('[data-app-state="ready"]')).toBeVisible()
  const csp = response!.headers()['content-security-policy'] ?? ''
  const scriptSources = (/(?:^|;)\s*script-src([^;]*)/.exec(csp)?.[1] ?? '').trim().split(/\s+/)
  expect(scriptSources).toEqual(["'self'"])
  expect(csp).not.toContain('unsafe-inline')
  expect(csp).not.toContain('unsafe-eval')

  // Script injected as markup (an XSS) and string-to-code (eval, setTimeout with a string) are
  // both refused by the policy, and the browser reports each refusal.
  await page.evaluate(() => {
    const w = window as unknown as { violations: string[] }
    w.violations = []
    document.addEventListener('securitypolicyviolation', (event) =>
      w.violations.push(`${event.effectiveDirective} ${event.blockedURI}`),
    )
    const script = document.createElement('script')
    script.textContent = 'window.injected = true'
    // An allowed inline script would run synchronously, during append().
    document.body.append(script)
    ;(setTimeout as unknown as (code: string) => void)('window.viaString = true')
  })
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { violations: string[] }).violations))
    .toEqual(expect.arrayContaining(['script-src-elem inline', 'script-src eval']))
  const ran = await page.evaluate(() => {
    const w = window as unknown as { injected?: boolean; viaString?: boolean }
    return { inline: w.injected === true, viaString: w.viaString === true }
  })
  expect(ran).toEqual({ inline: false, viaString: false })
})
