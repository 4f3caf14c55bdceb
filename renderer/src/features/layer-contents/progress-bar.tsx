import type { ContentsProgress } from '../../../../shared/models/layer-contents'
import { formatBytes, pluralize } from '../../components/format'

const PHASE_LABEL: Record<ContentsProgress['phase'], string> = {
  downloading: 'Downloading',
  verifying: 'Verifying',
  indexing: 'Reading',
  merging: 'Merging layers',
  extracting: 'Extracting',
  done: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
}

/** What a long operation is doing, with a Cancel button. */
export function ProgressBar({
  progress,
  onCancel,
}: {
  progress: ContentsProgress
  onCancel: () => void
}) {
  const fraction =
    progress.totalBytes && progress.totalBytes > 0
      ? Math.min(1, progress.bytes / progress.totalBytes)
      : null
  const layerText =
    progress.layerCount > 1
      ? ` layer ${progress.layer + 1} of ${progress.layerCount}`
      : ' the layer'
  const label = `${PHASE_LABEL[progress.phase]}${progress.phase === 'merging' ? '' : layerText}`
  return (
    <div className="contents-progress">
      <span>{label}</span>
      <progress aria-label={label} max={1} {...(fraction === null ? {} : { value: fraction })} />
      <span className="hint">
        {formatBytes(progress.bytes)}
        {progress.totalBytes ? ` of ${formatBytes(progress.totalBytes)}` : ''}
        {progress.entries > 0 ? ` · ${pluralize(progress.entries, 'entry', 'entries')}` : ''}
      </span>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
    </div>
  )
}
