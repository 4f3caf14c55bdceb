import type { PlatformEntry } from '../../../../shared/models/image'
import { formatBytes, formatExactBytes } from '../../components/format'
import { shortDigest } from '../images/labels'
import { attestationLabel, platformLabel } from './image-detail'

interface PlatformPickerProps {
  platforms: readonly PlatformEntry[]
  selected: PlatformEntry | null
  onSelect: (platform: PlatformEntry) => void
}

/**
 * The platforms of an index as radio buttons. Attestation manifests (SBOM, provenance) are listed
 * with their annotations but cannot be picked: they describe an image, they are not one.
 */
export function PlatformPicker({ platforms, selected, onSelect }: PlatformPickerProps) {
  return (
    <fieldset className="platform-picker">
      <legend>Platform</legend>
      {platforms.length === 0 && <p className="hint">This index lists no manifests.</p>}
      <ul>
        {platforms.map((platform) => {
          const label = platform.attestation
            ? attestationLabel(platform, platforms)
            : platformLabel(platform)
          return (
            <li key={platform.digest} className={platform.attestation ? 'attestation' : undefined}>
              <label title={platform.digest}>
                <input
                  type="radio"
                  name="platform"
                  value={platform.digest}
                  checked={selected?.digest === platform.digest}
                  disabled={platform.attestation}
                  onChange={() => onSelect(platform)}
                />
                {label}
              </label>
              <span className="hint">
                {' '}
                {shortDigest(platform.digest)} ·{' '}
                <span title={formatExactBytes(platform.size)}>{formatBytes(platform.size)}</span>{' '}
                manifest
                {platform.attestation && ' · not an image: cannot be selected'}
              </span>
              {platform.annotations && Object.keys(platform.annotations).length > 0 && (
                <dl className="annotations" aria-label={`Annotations of ${label}`}>
                  {Object.entries(platform.annotations).map(([key, value]) => (
                    <div key={key}>
                      <dt>{key}</dt>
                      <dd>
                        <code>{value}</code>
                      </dd>
                    </div>
                  ))}
                </dl>
              )}
            </li>
          )
        })}
      </ul>
    </fieldset>
  )
}
