import { useQuery } from '@tanstack/react-query'
import { useEffect, useId, useRef, useState } from 'react'
import type { FormEvent } from 'react'
import type { TrustedKeySetting } from '../../../../shared/models/settings'
import { settingsQuery } from '../../api/queries'
import { useAddTrustedKey, useRemoveTrustedKey } from '../../api/settings'
import { ErrorPanel } from '../../components/error-panel'
import { formatDateTime } from '../../components/format'
import './trusted-keys-settings.css'

/** The repositories a prefix covers, in words. */
function prefixInWords(prefix: string) {
  return prefix === '' ? 'Every repository' : `Repositories starting with ${prefix}`
}

/**
 * Public keys the user trusts to verify cosign signatures, per repository prefix. Verify on the
 * Supply chain tab tries them when no key is pasted. Main checks each PEM before saving it.
 */
export function TrustedKeysSettings() {
  const settings = useQuery(settingsQuery())
  const add = useAddTrustedKey()
  const remove = useRemoveTrustedKey()
  const headingId = useId()
  const nameId = useId()
  const prefixId = useId()
  const prefixHintId = useId()
  const pemId = useId()
  const pemHintId = useId()
  const [name, setName] = useState('')
  const [prefix, setPrefix] = useState('')
  const [pem, setPem] = useState('')
  const nameField = useRef<HTMLInputElement>(null)
  const list = useRef<HTMLUListElement>(null)
  const keys = settings.data?.trustedKeys ?? []

  const submit = (event: FormEvent) => {
    event.preventDefault()
    remove.reset()
    add.mutate(
      { name: name.trim(), repositoryPrefix: prefix.trim(), publicKeyPem: pem.trim() },
      {
        onSuccess: () => {
          setName('')
          setPrefix('')
          setPem('')
          nameField.current?.focus()
        },
      },
    )
  }

  // After a removal, focus goes to the key that took the removed one's place, or to the form.
  const focusAfterRemove = useRef<number | null>(null)
  useEffect(() => {
    const index = focusAfterRemove.current
    if (index === null) return
    focusAfterRemove.current = null
    const buttons = list.current?.querySelectorAll<HTMLButtonElement>('button') ?? []
    const next = buttons[Math.min(index, buttons.length - 1)]
    if (next) next.focus()
    else nameField.current?.focus()
  }, [keys.length])

  const removeKey = (key: TrustedKeySetting, index: number) => {
    add.reset()
    remove.mutate(key.id, {
      onSuccess: () => {
        focusAfterRemove.current = index
      },
    })
  }

  return (
    <section aria-labelledby={headingId} className="settings-section trusted-keys">
      <h2 id={headingId}>Trusted keys</h2>
      <p className="hint">
        Public keys you trust to verify cosign signatures, each for the repositories whose names
        start with its prefix. Verify on an image&apos;s Supply chain tab tries them when you paste
        no key, and says which one verified. Public keys only: a private key is refused.
      </p>
      {keys.length === 0 ? (
        <p className="trusted-keys-empty">No trusted keys yet.</p>
      ) : (
        <ul ref={list} className="trusted-keys-list" aria-label="Trusted keys">
          {keys.map((key, index) => (
            <li key={key.id}>
              <div className="trusted-key-text">
                <span className="trusted-key-name">{key.name}</span>
                <span className="trusted-key-meta">
                  {prefixInWords(key.repositoryPrefix)} · added{' '}
                  <time dateTime={key.addedAt}>{formatDateTime(key.addedAt)}</time>
                </span>
              </div>
              <button
                type="button"
                className="small"
                aria-label={`Remove ${key.name}`}
                disabled={remove.isPending}
                onClick={() => removeKey(key, index)}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      {remove.isError && <ErrorPanel error={remove.error} />}
      <form className="trusted-key-form" onSubmit={submit} aria-label="Add a trusted key">
        <div className="trusted-key-fields">
          <div className="setting">
            <label htmlFor={nameId} className="setting-label">
              Name
            </label>
            <input
              ref={nameField}
              id={nameId}
              type="text"
              value={name}
              maxLength={100}
              autoComplete="off"
              onChange={(event) => setName(event.target.value)}
            />
          </div>
          <div className="setting">
            <label htmlFor={prefixId} className="setting-label">
              Repository prefix
            </label>
            <input
              id={prefixId}
              type="text"
              value={prefix}
              maxLength={256}
              placeholder="team/"
              autoComplete="off"
              spellCheck={false}
              aria-describedby={prefixHintId}
              onChange={(event) => setPrefix(event.target.value)}
            />
            <p id={prefixHintId} className="hint">
              Empty for every repository.
            </p>
          </div>
        </div>
        <div className="setting">
          <label htmlFor={pemId} className="setting-label">
            Public key (PEM)
          </label>
          <textarea
            id={pemId}
            value={pem}
            rows={4}
            spellCheck={false}
            aria-describedby={pemHintId}
            placeholder={'-----BEGIN PUBLIC KEY-----\n…\n-----END PUBLIC KEY-----'}
            onChange={(event) => setPem(event.target.value)}
          />
          <p id={pemHintId} className="hint">
            cosign.pub: ECDSA P-256 or P-384, RSA (2048 bits or more) or Ed25519.
          </p>
        </div>
        <div className="actions">
          <button type="submit" disabled={add.isPending || !settings.data}>
            Add key
          </button>
        </div>
        {add.isError && <ErrorPanel error={add.error} />}
      </form>
    </section>
  )
}
