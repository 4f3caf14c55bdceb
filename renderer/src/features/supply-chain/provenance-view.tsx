import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import type { ProvenanceSummary } from '../../../../shared/models/supply-chain'
import { provenanceQuery } from '../../api/supply-chain'
import { formatDateTime } from '../../components/format'
import { JsonViewer } from '../../components/json-viewer'
import { useConnection } from '../connection/use-connection'
import { ArtifactQueryState } from './artifact-query-state'

const digestWords = (digest: Record<string, string>) =>
  Object.entries(digest)
    .map(([algorithm, value]) => `${algorithm}:${value}`)
    .join(', ')

/** A provenance attestation in words: who built it, from what, how; the raw statement one click away. */
export function ProvenanceView({
  repositoryName,
  digest,
}: {
  repositoryName: string
  digest: string
}) {
  const connection = useConnection()
  const query = useQuery(provenanceQuery(connection, repositoryName, digest))
  if (!query.isSuccess)
    return <ArtifactQueryState query={query} reading="Reading the attestation…" />
  return <ProvenanceFacts provenance={query.data} />
}

function ProvenanceFacts({ provenance: p }: { provenance: ProvenanceSummary }) {
  const [raw, setRaw] = useState(false)
  const notStated = 'Not stated'
  return (
    <div className="provenance">
      <p>
        {p.slsaVersion
          ? `SLSA provenance ${p.slsaVersion}: how and from what this image was built, as the builder states it.`
          : `An in-toto statement whose predicate is ${p.predicateType}, not SLSA provenance; its raw statement is below.`}
      </p>
      <dl className="facts">
        <dt>Builder</dt>
        <dd>{p.builder ? <code>{p.builder}</code> : notStated}</dd>
        <dt>Build type</dt>
        <dd>{p.buildType ? <code>{p.buildType}</code> : notStated}</dd>
        <dt>Source repository</dt>
        <dd>{p.sourceRepository ? <code>{p.sourceRepository}</code> : notStated}</dd>
        <dt>Source commit</dt>
        <dd>{p.sourceCommit ? <code>{p.sourceCommit}</code> : notStated}</dd>
        {(p.startedOn || p.finishedOn) && (
          <>
            <dt>Built</dt>
            <dd>
              {p.startedOn && `started ${formatDateTime(p.startedOn)}`}
              {p.startedOn && p.finishedOn && ', '}
              {p.finishedOn && `finished ${formatDateTime(p.finishedOn)}`}
            </dd>
          </>
        )}
        <dt>Predicate type</dt>
        <dd>
          <code>{p.predicateType}</code>
        </dd>
        <dt>Subjects</dt>
        <dd>
          {p.subjects.length === 0 ? (
            'None listed'
          ) : (
            <ul className="plain-list">
              {p.subjects.map((s, i) => (
                <li key={`${s.name}-${i}`}>
                  {s.name || 'unnamed'} <code>{digestWords(s.digest)}</code>
                </li>
              ))}
            </ul>
          )}
        </dd>
      </dl>
      <h3>Materials</h3>
      {p.materials.length === 0 ? (
        <p className="hint">The statement lists no materials.</p>
      ) : (
        <ul className="provenance-list" aria-label="Materials">
          {p.materials.map((m, i) => (
            <li key={`${m.uri}-${i}`}>
              <code>{m.uri}</code>
              {Object.keys(m.digest).length > 0 && (
                <span className="hint"> at {digestWords(m.digest)}</span>
              )}
            </li>
          ))}
        </ul>
      )}
      <h3>Invocation parameters</h3>
      {p.parameters.length === 0 ? (
        <p className="hint">The statement lists no parameters.</p>
      ) : (
        <dl className="facts provenance-parameters" aria-label="Invocation parameters">
          {p.parameters.map((param, i) => (
            <div key={`${param.name}-${i}`} className="annotation">
              <dt>
                <code>{param.name}</code>
              </dt>
              <dd>
                <code>{param.value}</code>
              </dd>
            </div>
          ))}
        </dl>
      )}
      <div className="actions">
        <button type="button" aria-expanded={raw} onClick={() => setRaw(!raw)}>
          {raw ? 'Hide raw statement' : 'Show raw statement'}
        </button>
      </div>
      {raw && <JsonViewer title="In-toto statement" raw={p.raw} />}
    </div>
  )
}
