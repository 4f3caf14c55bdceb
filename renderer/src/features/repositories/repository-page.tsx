import { useQuery } from '@tanstack/react-query'
import { Link, Navigate, useParams } from 'react-router'
import { repositoryQuery } from '../../api/queries'
import { ErrorPanel } from '../../components/error-panel'
import { formatDateTime } from '../../components/format'
import { usePageReady } from '../../components/page-ready'
import { useConnection } from '../connection/use-connection'
import { formatEncryption, formatMutability } from './repository-list'

/** One repository's settings. Issue 3 adds its images below. */
export function RepositoryPage() {
  const connection = useConnection()
  // The name is the rest of the path: repository names contain slashes.
  const repositoryName = useParams()['*'] ?? ''
  const repository = useQuery({
    ...repositoryQuery(connection, repositoryName),
    enabled: repositoryName !== '',
  })
  usePageReady(repositoryName === '' || repository.status !== 'pending')

  if (repositoryName === '') return <Navigate to="/" replace />

  return (
    <main className="repository-page">
      <nav className="breadcrumbs">
        <Link to="/">All repositories</Link>
      </nav>
      <h1 className="repository-name">{repositoryName}</h1>
      {repository.isPending ? (
        <p className="hint">Loading repository…</p>
      ) : repository.isError ? (
        <ErrorPanel
          error={repository.error}
          retrying={repository.isFetching}
          onRetry={() => void repository.refetch()}
        />
      ) : (
        <dl className="facts repository-details">
          <dt>URI</dt>
          <dd>
            <code>{repository.data.repositoryUri}</code>
          </dd>
          <dt>ARN</dt>
          <dd>
            <code>{repository.data.repositoryArn}</code>
          </dd>
          <dt>Registry</dt>
          <dd>{repository.data.registryId}</dd>
          <dt>Created</dt>
          <dd>
            {repository.data.createdAt ? (
              <time dateTime={repository.data.createdAt} title={repository.data.createdAt}>
                {formatDateTime(repository.data.createdAt)}
              </time>
            ) : (
              '—'
            )}
          </dd>
          <dt>Tag mutability</dt>
          <dd>{formatMutability(repository.data.imageTagMutability)}</dd>
          <dt>Scan on push</dt>
          <dd>{repository.data.scanOnPush ? 'On' : 'Off'}</dd>
          <dt>Encryption</dt>
          <dd>{formatEncryption(repository.data.encryptionType)}</dd>
        </dl>
      )}
    </main>
  )
}
