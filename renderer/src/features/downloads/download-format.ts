import type { DownloadPhase } from '../../../../shared/models/download'
import { formatBytes } from '../../components/format'
import { shortDigest } from '../images/labels'

/** 2621440 -> "2.50 MiB/s"; nothing while no rate is known yet. */
export function formatRate(bytesPerSecond: number): string {
  if (!Number.isFinite(bytesPerSecond) || bytesPerSecond <= 0) return ''
  return `${formatBytes(Math.round(bytesPerSecond))}/s`
}

/**
 * Seconds left in words: "12 s left", "2 min 5 s left", "14 min left", "1 h 3 min left". Nothing
 * when unknown (no size or no rate yet). Precision drops as the wait grows: rates jitter, and a
 * second-exact ETA for an hour-long download only flickers.
 */
export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return ''
  const s = Math.round(seconds)
  if (s < 1) return 'almost done'
  if (s < 60) return `${s} s left`
  const minutes = Math.floor(s / 60)
  if (minutes < 10) return s % 60 ? `${minutes} min ${s % 60} s left` : `${minutes} min left`
  if (minutes < 60) return `${minutes} min left`
  const hours = Math.floor(minutes / 60)
  if (hours >= 100) return 'over 99 h left'
  return minutes % 60 ? `${hours} h ${minutes % 60} min left` : `${hours} h left`
}

/** "1.20 MiB of 3.34 MiB", or just the bytes when the total is unknown. */
export function formatTransfer(received: number, total: number | null): string {
  return total === null
    ? formatBytes(received)
    : `${formatBytes(received)} of ${formatBytes(total)}`
}

/** What a download is doing, in words, while it is under way. */
export function phaseLabel(phase: DownloadPhase): string {
  switch (phase) {
    case 'queued':
      return 'Queued'
    case 'checking-existing':
      return 'Checking existing file'
    case 'rehashing':
      return 'Re-hashing'
    case 'downloading':
      return 'Downloading'
    case 'retrying':
      return 'Retrying…'
    case 'verifying':
      return 'Verifying'
    case 'done':
      return 'Verified'
    case 'failed':
      return 'Failed'
    case 'cancelled':
      return 'Cancelled'
  }
}

/** How a blob is named in the downloads panel: "demo/web-app@sha256:1234567890ab". */
export function blobLabel(blob: { repositoryName: string; digest: string }): string {
  return `${blob.repositoryName}@${shortDigest(blob.digest)}`
}

/** The last part of a path, on any OS. */
export function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path
}

/** A file in a folder, with the folder's own separator (Windows paths use "\"). */
export function joinPath(folder: string, name: string): string {
  const separator = /^[a-zA-Z]:\\|^\\\\/.test(folder) ? '\\' : '/'
  return folder.endsWith(separator) ? `${folder}${name}` : `${folder}${separator}${name}`
}
