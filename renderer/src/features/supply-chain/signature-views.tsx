import { useQuery } from '@tanstack/react-query'
import { useId, useRef, useState } from 'react'
import type { ChangeEvent, FormEvent } from 'react'
import type { SignatureVerdict, SupplyChainReferrer } from '../../../../shared/models/supply-chain'
import { settingsQuery } from '../../api/queries'
import {
  demoKeyQuery,
  keylessQuery,
  notationQuery,
  useVerifySignature,
} from '../../api/supply-chain'
import { MutationErrorPanel } from '../../components/error-panel'
import { formatDateTime } from '../../components/format'
import { useConnection } from '../connection/use-connection'
import type { Subject } from './referrer-tree'
import { keylessWords, verdictWords, type VerdictWords } from './verdict'
import { ArtifactQueryState } from './artifact-query-state'

/** The largest PEM the form reads from a file (main refuses longer ones too). */
const MAX_KEY_FILE_BYTES = 16 * 1024

interface ArtifactProps {
  repositoryName: string
  digest: string
  subject: Subject
}

/** Says whether a signed digest is the subject's own. */
function DigestClaim({ digest, subject }: { digest: string; subject: Subject }) {
  return (
    <>
      <code className="digest">{digest}</code>{' '}
      <span className={digest === subject.digest ? 'claim-match' : 'claim-mismatch'}>
        {digest === subject.digest
          ? `(the digest of ${subject.label})`
          : `(not the digest of ${subject.label}, which is ${subject.digest})`}
      </span>
    </>
  )
}

/** A cosign key-based signature: the digest its payload claims, and the Verify form. */
export function CosignView({
  repositoryName,
  digest,
  subject,
  referrer,
}: ArtifactProps & { referrer: SupplyChainReferrer }) {
  return (
    <div className="signature">
      <dl className="facts">
        <dt>Payload</dt>
        <dd>cosign simple signing (the signed claim names one manifest digest)</dd>
        <dt>Claims to sign</dt>
        <dd>
          {referrer.claimedDigest ? (
            <DigestClaim digest={referrer.claimedDigest} subject={subject} />
          ) : (
            'The payload could not be read; verify it to see why'
          )}
        </dd>
      </dl>
      <p className="hint">
        The claim means nothing until a key you trust verifies it: verify it below.
      </p>
      <VerifyForm repositoryName={repositoryName} digest={digest} subject={subject} />
    </div>
  )
}

/** The trusted keys (settings) main tries for this repository: those whose prefix starts its name. */
export function trustedKeysFor<K extends { repositoryPrefix: string }>(
  keys: readonly K[],
  repositoryName: string,
): K[] {
  return keys.filter((k) => repositoryName.startsWith(k.repositoryPrefix))
}

/**
 * Verify against a public key pasted, read from a file, or the demo's, or against the trusted
 * keys of the repository (settings): the key goes to main, which checks the signature; only the
 * verdict comes back.
 */
function VerifyForm({ repositoryName, digest, subject }: ArtifactProps) {
  const connection = useConnection()
  const demoKey = useQuery(demoKeyQuery(connection))
  const settings = useQuery(settingsQuery())
  const trusted = trustedKeysFor(settings.data?.trustedKeys ?? [], repositoryName)
  const verify = useVerifySignature()
  const [pem, setPem] = useState('')
  const [fileProblem, setFileProblem] = useState<string | null>(null)
  const [verdict, setVerdict] = useState<SignatureVerdict | null>(null)
  const fileInput = useRef<HTMLInputElement>(null)
  const keyId = useId()
  const hintId = useId()
  const headingId = useId()

  const run = (publicKeyPem: string | null) => {
    setVerdict(null)
    verify.mutate(
      {
        repositoryName,
        digest,
        subjectDigest: subject.digest,
        ...(publicKeyPem === null ? {} : { publicKeyPem }),
      },
      { onSuccess: setVerdict },
    )
  }
  const submit = (event: FormEvent) => {
    event.preventDefault()
    if (pem.trim()) run(pem.trim())
  }
  const readFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0]
    event.target.value = ''
    if (!file) return
    if (file.size > MAX_KEY_FILE_BYTES) {
      setFileProblem(
        `${file.name} is ${file.size} bytes: too large to be a public key. Choose the signer’s cosign.pub (a few hundred bytes).`,
      )
      return
    }
    setFileProblem(null)
    setVerdict(null)
    setPem(await file.text())
  }
  const words = verdict ? verdictWords(verdict) : null

  return (
    <form className="verify-form" aria-labelledby={headingId} onSubmit={submit}>
      <h3 id={headingId}>Verify with a public key</h3>
      {trusted.length > 0 ? (
        <div className="trusted-keys">
          <p>
            {`Trusted keys for ${repositoryName} (Settings): `}
            {trusted.map((k, i) => (
              <span key={k.id}>
                {i > 0 && ', '}
                <strong>{k.name}</strong>
                <span className="hint">
                  {k.repositoryPrefix ? ` (${k.repositoryPrefix}…)` : ' (every repository)'}
                </span>
              </span>
            ))}
          </p>
          <button type="button" disabled={verify.isPending} onClick={() => run(null)}>
            Verify with the trusted keys
          </button>
        </div>
      ) : (
        settings.isSuccess && (
          <p className="hint">
            {`No trusted key covers ${repositoryName}. Keys you trust for a repository prefix can be kept under Settings → Trusted keys, so you need not paste them again.`}
          </p>
        )
      )}
      <label htmlFor={keyId}>Public key (PEM)</label>
      <textarea
        id={keyId}
        rows={5}
        value={pem}
        spellCheck={false}
        autoComplete="off"
        placeholder="-----BEGIN PUBLIC KEY-----"
        aria-describedby={hintId}
        onChange={(event) => {
          setPem(event.target.value)
          setVerdict(null)
        }}
      />
      <p id={hintId} className="hint">
        Paste the signer’s public key (cosign.pub: ECDSA, RSA or Ed25519), or choose the file; in
        the browser version there is no native dialog, so Choose file opens the browser’s file
        picker. The app checks the signature in its main process and keeps no copy of the key.
      </p>
      {fileProblem && (
        <p className="field-error" role="alert">
          {fileProblem}
        </p>
      )}
      <div className="actions">
        <button type="button" onClick={() => fileInput.current?.click()}>
          Choose file…
        </button>
        <input
          ref={fileInput}
          type="file"
          className="visually-hidden"
          tabIndex={-1}
          aria-hidden="true"
          accept=".pem,.pub,.key,.txt,text/plain,application/x-pem-file"
          onChange={(event) => void readFile(event)}
        />
        {demoKey.data && (
          <button
            type="button"
            onClick={() => {
              setPem(demoKey.data!.publicKeyPem)
              setVerdict(null)
            }}
          >
            Use the demo key
          </button>
        )}
        <button type="submit" className="primary" disabled={!pem.trim() || verify.isPending}>
          {verify.isPending ? 'Verifying…' : 'Verify'}
        </button>
      </div>
      <div role="status" className="verdict-status">
        {words && <Verdict words={words} />}
      </div>
      <MutationErrorPanel mutation={verify} />
    </form>
  )
}

/** A Notation signature (what AWS Signer makes): signer, signing time and the digest it signs. */
export function NotationView({ repositoryName, digest, subject }: ArtifactProps) {
  const connection = useConnection()
  const query = useQuery(notationQuery(connection, repositoryName, digest))
  if (!query.isSuccess)
    return <ArtifactQueryState query={query} reading="Reading the signature envelope…" />
  const n = query.data
  return (
    <div className="signature">
      <dl className="facts">
        <dt>Signer</dt>
        <dd>{n.signer ?? 'The envelope carries no certificate'}</dd>
        {n.issuer && (
          <>
            <dt>Issuer</dt>
            <dd>{n.issuer}</dd>
          </>
        )}
        <dt>Signing time</dt>
        <dd>{n.signingTime ? formatDateTime(n.signingTime) : 'Not stated'}</dd>
        {n.expiry && (
          <>
            <dt>Expires</dt>
            <dd>{formatDateTime(n.expiry)}</dd>
          </>
        )}
        <dt>Signed digest</dt>
        <dd>
          {n.signedDigest ? (
            <DigestClaim digest={n.signedDigest} subject={subject} />
          ) : (
            'Not stated'
          )}
        </dd>
        {n.signedMediaType && (
          <>
            <dt>Signed media type</dt>
            <dd>
              <code>{n.signedMediaType}</code>
            </dd>
          </>
        )}
        {n.signingScheme && (
          <>
            <dt>Signing scheme</dt>
            <dd>
              <code>{n.signingScheme}</code>
            </dd>
          </>
        )}
        {n.signingAgent && (
          <>
            <dt>Signing agent</dt>
            <dd>{n.signingAgent}</dd>
          </>
        )}
        {n.algorithm && (
          <>
            <dt>Algorithm</dt>
            <dd>
              <code>{n.algorithm}</code>
            </dd>
          </>
        )}
      </dl>
      <p className={n.matchesCertificate ? 'hint' : 'claim-mismatch'}>
        {n.matchesCertificate
          ? 'The signature matches the certificate in its envelope. That shows the envelope is intact, not that the signer is one you trust: check the certificate chain with notation verify and your trust policy.'
          : 'The signature does not match the certificate in its envelope: it was changed after signing or is malformed. Do not trust it.'}
      </p>
    </div>
  )
}

/** A verdict box: its headline and what it means, announced when it appears. */
function Verdict({ words }: { words: VerdictWords }) {
  return (
    <div className={`signature-verdict signature-verdict-${words.tone}`}>
      <p className="signature-verdict-title">{words.title}</p>
      <p>{words.detail}</p>
    </div>
  )
}

/**
 * A keyless Sigstore bundle, verified offline in main against the Sigstore trusted root the app
 * ships: the certificate's identity (who signed), then the verdict.
 */
export function KeylessView({ repositoryName, digest, subject }: ArtifactProps) {
  const connection = useConnection()
  const query = useQuery(keylessQuery(connection, repositoryName, digest, subject.digest))
  if (!query.isSuccess)
    return (
      <ArtifactQueryState
        query={query}
        reading="Verifying the bundle against the Sigstore trusted root…"
      />
    )
  const { identity, verdict } = query.data
  return (
    <div className="signature">
      <p>
        A keyless signature: a short-lived Fulcio certificate names who signed, instead of a
        long-lived key. The app checks it offline, in its main process.
      </p>
      {identity ? (
        <dl className="facts">
          <dt>Identity</dt>
          <dd>{identity.subject ? <code>{identity.subject}</code> : 'Not stated'}</dd>
          <dt>Issuer</dt>
          <dd>{identity.issuer ? <code>{identity.issuer}</code> : 'Not stated'}</dd>
          <dt>Certificate valid</dt>
          <dd>{`${formatDateTime(identity.notBefore)} to ${formatDateTime(identity.notAfter)}`}</dd>
          {identity.signedDigest && (
            <>
              <dt>Signed digest</dt>
              <dd>
                <DigestClaim digest={identity.signedDigest} subject={subject} />
              </dd>
            </>
          )}
        </dl>
      ) : (
        <p className="hint">The bundle carries no certificate to name who signed.</p>
      )}
      <div role="status" className="verdict-status">
        <Verdict words={keylessWords(verdict)} />
      </div>
    </div>
  )
}
