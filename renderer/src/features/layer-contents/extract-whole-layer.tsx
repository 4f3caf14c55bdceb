import { useExtract, type LayerTarget } from '../../api/layer-contents'
import { ErrorPanel } from '../../components/error-panel'
import { formatBytes, pluralize } from '../../components/format'
import { SkippedList } from './skipped-list'

/**
 * Extracts all of a layer into a folder the user picks and says what was written and what was
 * refused. The way out for a layer whose index is too large to show (main reads it without listing
 * it), and beside any layer's files.
 */
export function ExtractWholeLayer({
  layer,
  prefix,
  label = 'Extract the whole layer instead',
  primary = true,
}: {
  layer: LayerTarget
  prefix: string
  label?: string
  primary?: boolean
}) {
  const extract = useExtract(prefix)
  const result = extract.data
  return (
    <section className="extract-whole-layer" aria-label="Extract the whole layer">
      <div className="actions">
        <button
          type="button"
          className={primary ? 'primary' : undefined}
          disabled={extract.isPending}
          onClick={() => extract.mutate({ ...layer, path: '' })}
        >
          {label}
        </button>
      </div>
      {extract.isPending && <p className="hint">Extracting… choose a folder if asked.</p>}
      {extract.isError && <ErrorPanel error={extract.error} />}
      {result && (
        <div role="status" className="extract-result">
          {result.status === 'cancelled' ? (
            'Extraction cancelled: no folder was chosen.'
          ) : (
            <>
              Extracted the layer to <code>{result.path}</code> (
              {pluralize(result.files, 'file', 'files')}, {formatBytes(result.bytes)})
              <SkippedList skipped={result.skipped} />
            </>
          )}
        </div>
      )}
    </section>
  )
}
