import { useQuery } from '@tanstack/react-query'
import type { SigningStatus } from '../../../../shared/models/image'
import { signingStatusQuery } from '../../api/supply-chain'
import { ErrorPanel } from '../../components/error-panel'
import { useConnection } from '../connection/use-connection'
import type { Subject } from './referrer-tree'

/** A signing profile's status in words: "Complete", "In progress", "Failed: <reason> (<code>)". */
export function signingStatusWords(s: SigningStatus): string {
  switch (s.status) {
    case 'COMPLETE':
      return 'Complete'
    case 'IN_PROGRESS':
      return 'In progress'
    case 'FAILED':
      return `Failed: ${failureWords(s)}`
    default:
      return 'Unknown (ECR gave no status)'
  }
}

/** Why a signing profile failed, as ECR says it, with its code. */
export function failureWords(s: SigningStatus): string {
  const why = [s.failureReason, s.failureCode ? `(${s.failureCode})` : null]
    .filter(Boolean)
    .join(' ')
  return why || 'ECR gave no reason'
}

/** The signing profile's name from its ARN (…/signing-profiles/<name>), or the ARN as it is. */
export function profileName(arn: string | null): string {
  if (!arn) return 'Unnamed signing profile'
  const m = /signing-profiles\/([^/]+)/.exec(arn)
  return m ? m[1]! : arn
}

/** ECR managed signing (DescribeImageSigningStatus) of one image, per signing profile. */
export function SigningStatusList({
  repositoryName,
  subject,
}: {
  repositoryName: string
  subject: Subject
}) {
  const connection = useConnection()
  const query = useQuery(signingStatusQuery(connection, repositoryName, subject.digest))
  return (
    <div className="signing-status">
      <h3>ECR managed signing</h3>
      {query.isPending ? (
        <p className="hint" role="status">
          Asking ECR for its signing status…
        </p>
      ) : query.isError ? (
        <ErrorPanel
          error={query.error}
          retrying={query.isFetching}
          onRetry={() => void query.refetch()}
        />
      ) : query.data.length === 0 ? (
        <p className="hint">
          {`ECR has not signed ${subject.label}: no signing profile of the registry’s signing configuration applies to it.`}
        </p>
      ) : (
        <ul className="signing-profiles" aria-label={`ECR managed signing of ${subject.label}`}>
          {query.data.map((s, i) => (
            <li key={`${s.signingProfileArn ?? ''}-${i}`}>
              <span className={`badge signing-${(s.status ?? 'unknown').toLowerCase()}`}>
                {s.status === 'FAILED' ? 'Failed' : signingStatusWords(s)}
              </span>{' '}
              <span title={s.signingProfileArn ?? undefined}>
                {profileName(s.signingProfileArn)}
              </span>
              {s.status === 'FAILED' && (
                <span className="signing-failure">{` — ${failureWords(s)}`}</span>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}
