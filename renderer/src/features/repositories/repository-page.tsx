import { useQuery } from '@tanstack/react-query'
import { Link } from 'react-router'
import { Breadcrumbs } from '../../components/breadcrumbs'
import { pullThroughRulesQuery, repositoryQuery } from '../../api/queries'
import { ErrorPanel } from '../../components/error-panel'
import { formatDateTime } from '../../components/format'
import { usePageReady } from '../../components/page-ready'
import { ImagesList } from '../images/images-list'
import { useConnection } from '../connection/use-connection'
import { findPullThroughRule } from './pull-through'
import { formatEncryption, formatMutability } from './repository-list'
import '../../components/page-header.css'
import './repositories.css'

/** One repository: its settings in a line, then all of its images. */
export function RepositoryPage({ repositoryName }: { repositoryName: string }) {
  const connection = useConnection()
  const repository = useQuery(repositoryQuery(connection, repositoryName))
  const rules = useQuery(pullThroughRulesQuery(connection))
  const rule = findPullThroughRule(rules.data, repositoryName)

  return (
    <main className="repository-page">
      <header className="page-header">
        <Breadcrumbs items={[{ label: 'All repositories', to: '/' }, { label: repositoryName }]} />
        <h1 className="page-title">{repositoryName}</h1>
        {rule && (
          <p className="pull-through">
            Pull-through cache of <code>{rule.upstreamRegistryUrl}</code>
            {` (cache rule prefix "${rule.prefix}")`}
          </p>
        )}
        {repository.isPending ? (
          <p className="hint">Loading repository…</p>
        ) : repository.isError ? null : (
          <dl className="facts repository-details">
            <div>
              <dt>URI</dt>
              <dd>
                <code title={repository.data.repositoryArn}>{repository.data.repositoryUri}</code>
              </dd>
            </div>
            <div>
              <dt>Registry</dt>
              <dd>{repository.data.registryId}</dd>
            </div>
            <div>
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
            </div>
            <div>
              <dt>Tag mutability</dt>
              <dd>{formatMutability(repository.data.imageTagMutability)}</dd>
            </div>
            <div>
              <dt>Scan on push</dt>
              <dd>{repository.data.scanOnPush ? 'On' : 'Off'}</dd>
            </div>
            <div>
              <dt>Encryption</dt>
              <dd>{formatEncryption(repository.data.encryptionType)}</dd>
            </div>
          </dl>
        )}
      </header>
      {repository.isError ? (
        <RepositoryError
          error={repository.error}
          retrying={repository.isFetching}
          onRetry={() => void repository.refetch()}
        />
      ) : (
        <ImagesList
          repositoryName={repositoryName}
          pageSettled={!repository.isPending}
          pullThroughRule={rule}
        />
      )}
    </main>
  )
}

// The images list would fail the same way, so only the repository's error is shown, with the
// way back to the list beside Retry.
function RepositoryError(props: { error: unknown; retrying: boolean; onRetry: () => void }) {
  usePageReady(true)
  return (
    <ErrorPanel
      {...props}
      actions={
        <Link className="button primary" to="/">
          All repositories
        </Link>
      }
    />
  )
}
