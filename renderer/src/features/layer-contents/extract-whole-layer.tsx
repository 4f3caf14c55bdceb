import { useExtract, type LayerTarget } from '../../api/layer-contents'
import { ErrorPanel } from '../../components/error-panel'
import { formatBytes, pluralize } from '../../components/format'

/**
 * The way out for a layer whose index is too large to show: extract all of it into a folder the
 * user picks (main reads it without listing it), and say what was written and what was refused.
 */
export function ExtractWholeLayer({ layer, prefix }: { layer: LayerTarget; prefix: string }) {
  const extract = useExtract(prefix)
  const result = extract.data
  return (
    <section className="extract-whole-layer" aria-label="Extract the whole layer">
      <div className="actions">
        <button
          type="button"
          className="primary"
          disabled={extract.isPending}
          onClick={() => extract.mutate({ ...layer, path: '' })}
        >
          Extract the whole layer instead
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
              {result.skipped.length > 0 && (
                <ul aria-label="Left out for safety">
                  {result.skipped.map((skip) => (
                    <li key={skip.path}>
                      <code>{skip.path}</code>: {skip.reason}
                    </li>
                  ))}
                </ul>
              )}
            </>
          )}
        </div>
      )}
    </section>
  )
}
