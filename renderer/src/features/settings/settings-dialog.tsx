import { useQuery } from '@tanstack/react-query'
import { useId } from 'react'
import { capabilitiesQuery, downloadFolderQuery, useSetDownloadFolder } from '../../api/downloads'
import { useUpdateSettings } from '../../api/mutations'
import { settingsQuery } from '../../api/queries'
import { Dialog } from '../../components/dialog'
import { ErrorPanel } from '../../components/error-panel'
import { ContentsCacheSettings } from '../layer-contents/contents-cache-settings'
import { TrustedKeysSettings } from './trusted-keys-settings'
import './settings.css'

/** The concurrency limits the contract accepts. */
const CONCURRENCY = [1, 2, 3, 4, 5, 6, 7, 8] as const

/** Where downloads go, how many run at once, and the layer contents cache. */
export function SettingsDialog({ onClose }: { onClose: () => void }) {
  const settings = useQuery(settingsQuery())
  const folder = useQuery(downloadFolderQuery())
  const setFolder = useSetDownloadFolder()
  const update = useUpdateSettings()
  const downloadsId = useId()
  const concurrencyId = useId()
  const overriddenId = useId()
  const updatesId = useId()
  const overridden = folder.data?.overridden ?? false
  // A browser tab behind the web bridge has no folder dialog: say so instead of a dead button.
  const noDialog = useQuery(capabilitiesQuery()).data?.chooseFolder === false
  const noDialogId = useId()

  return (
    <Dialog title="Settings" onClose={onClose} className="settings-dialog" initialFocus="dialog">
      <section aria-labelledby={downloadsId} className="settings-section">
        <h2 id={downloadsId}>Downloads</h2>
        <div className="setting">
          <dl className="facts">
            <dt>Download folder</dt>
            <dd>
              <code>{folder.data?.path ?? '…'}</code>
            </dd>
          </dl>
          {overridden && (
            <p id={overriddenId} className="hint">
              Set by the environment variable <code>ECR_LAYER_BROWSER_DOWNLOAD_DIR</code>, which
              overrides this setting. Unset it to choose a folder here.
            </p>
          )}
          {noDialog && !overridden && (
            <p id={noDialogId} className="hint">
              A browser tab has no folder dialog, so downloads go to the folder above. To use
              another, start <code>npm run web</code> with{' '}
              <code>ECR_LAYER_BROWSER_DOWNLOAD_DIR</code> set to it.
            </p>
          )}
          <div className="actions">
            <button
              type="button"
              onClick={() => setFolder.mutate('choose')}
              disabled={overridden || noDialog || setFolder.isPending || !folder.data}
              aria-describedby={overridden ? overriddenId : noDialog ? noDialogId : undefined}
            >
              Change…
            </button>
            <button
              type="button"
              onClick={() => setFolder.mutate('default')}
              disabled={
                overridden || setFolder.isPending || (settings.data?.downloadDir ?? null) === null
              }
              aria-describedby={overridden ? overriddenId : undefined}
            >
              Use default
            </button>
          </div>
          {setFolder.isError && <ErrorPanel error={setFolder.error} />}
          {folder.isError && <ErrorPanel error={folder.error} />}
        </div>
        <div className="setting">
          <label htmlFor={concurrencyId} className="setting-label">
            Concurrent downloads
          </label>
          <select
            id={concurrencyId}
            value={settings.data?.downloadConcurrency ?? 3}
            disabled={!settings.data}
            onChange={(event) => update.mutate({ downloadConcurrency: Number(event.target.value) })}
          >
            {CONCURRENCY.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
          <p className="hint">
            More than this wait in the queue; the change applies to downloads that start after it.
          </p>
          {update.isError && <ErrorPanel error={update.error} />}
        </div>
      </section>
      <ContentsCacheSettings />
      <TrustedKeysSettings />
      <section aria-labelledby={updatesId} className="settings-section">
        <h2 id={updatesId}>Updates</h2>
        <div className="setting">
          <label className="setting-label">
            <input
              type="checkbox"
              checked={settings.data?.checkForUpdates ?? true}
              disabled={!settings.data}
              onChange={(event) => update.mutate({ checkForUpdates: event.target.checked })}
            />{' '}
            Check for updates automatically
          </label>
          <p className="hint">
            At start the desktop app asks the project&apos;s GitHub releases for a newer version,
            and downloads it only if you agree; it installs when you quit. &ldquo;Check for
            Updates&hellip;&rdquo; in the menu asks at any time.
          </p>
        </div>
      </section>
      <div className="dialog-actions">
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  )
}
