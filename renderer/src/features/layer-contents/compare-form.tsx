import { useId, useState } from 'react'
import { useNavigate } from 'react-router'
import { shortDigest } from '../images/labels'
import { isDigest } from '../../routes'
import { contentsDiffPath, type LayerRef } from './routes'
import { useTags } from './use-tags'

interface CompareFormProps {
  repositoryName: string
  /** This image: a digest or a tag. */
  reference: string
  /** This image's own tags: not offered as the other side, and the first names this side. */
  referenceTags?: readonly string[]
  layers: readonly { index: number; digest: string; mediaType: string; size: number }[]
  /** Whether comparing is the page's main action (the Compare tab), or one beside the files. */
  main?: boolean
}

/**
 * Compare this image with another tag or digest of the repository (the diff lists added, removed
 * and changed paths; a changed text file opens its content diff), or two of its layers.
 */
export function CompareForm({
  repositoryName,
  reference,
  referenceTags = [],
  layers,
  main = true,
}: CompareFormProps) {
  const navigate = useNavigate()
  const headingId = useId()
  const withId = useId()
  const digestId = useId()
  const fromLayerId = useId()
  const toLayerId = useId()
  const tags = useTags(repositoryName)
  const others = tags.filter((tag) => tag !== reference && !referenceTags.includes(tag))
  const [other, setOther] = useState<string>('')
  const [digest, setDigest] = useState('')
  const [fromLayer, setFromLayer] = useState(0)
  const [toLayer, setToLayer] = useState(Math.max(0, layers.length - 1))
  const chosen = other || others[0] || ''
  // This side by a tag when it has one ('latest' last: it moves), else by its digest.
  const self = referenceTags.find((tag) => tag !== 'latest') ?? referenceTags[0] ?? reference
  const ref = (i: number): LayerRef => ({
    digest: layers[i]!.digest,
    mediaType: layers[i]!.mediaType,
    size: layers[i]!.size,
  })
  const digestValid = isDigest(digest.trim())
  return (
    <section className="compare" aria-labelledby={headingId}>
      <h2 id={headingId}>Compare</h2>
      <p className="hint">
        {`Compare ${isDigest(self) ? shortDigest(self) : self} with another image of ${repositoryName}: added, removed and changed paths, and the content diff of a changed text file.`}
      </p>
      {others.length > 0 ? (
        <form
          onSubmit={(event) => {
            event.preventDefault()
            void navigate(contentsDiffPath(repositoryName, chosen, self))
          }}
        >
          <label htmlFor={withId}>Compare with tag</label>
          <select id={withId} value={chosen} onChange={(event) => setOther(event.target.value)}>
            {others.map((tag) => (
              <option key={tag} value={tag}>
                {tag}
              </option>
            ))}
          </select>
          <button type="submit" className={main ? 'primary' : undefined}>
            Compare tags
          </button>
        </form>
      ) : (
        <p className="empty-state">No other tag in this repository to compare with.</p>
      )}
      <form
        onSubmit={(event) => {
          event.preventDefault()
          if (digestValid) void navigate(contentsDiffPath(repositoryName, digest.trim(), self))
        }}
      >
        <label htmlFor={digestId}>Compare with digest</label>
        <input
          id={digestId}
          type="text"
          value={digest}
          placeholder="sha256:…"
          spellCheck={false}
          onChange={(event) => setDigest(event.target.value)}
        />
        <button type="submit" disabled={!digestValid}>
          Compare digests
        </button>
      </form>
      {layers.length > 1 && (
        <form
          onSubmit={(event) => {
            event.preventDefault()
            void navigate(contentsDiffPath(repositoryName, ref(fromLayer), ref(toLayer)))
          }}
        >
          <label htmlFor={fromLayerId}>From layer</label>
          <select
            id={fromLayerId}
            value={fromLayer}
            onChange={(event) => setFromLayer(Number(event.target.value))}
          >
            {layers.map((l) => (
              <option key={l.index} value={l.index}>
                Layer {l.index + 1}
              </option>
            ))}
          </select>
          <label htmlFor={toLayerId}>To layer</label>
          <select
            id={toLayerId}
            value={toLayer}
            onChange={(event) => setToLayer(Number(event.target.value))}
          >
            {layers.map((l) => (
              <option key={l.index} value={l.index}>
                Layer {l.index + 1}
              </option>
            ))}
          </select>
          <button type="submit">Compare layers</button>
        </form>
      )}
    </section>
  )
}
