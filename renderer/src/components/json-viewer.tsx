import { useId, useMemo } from 'react'
import { CopyButton } from './copy-button'
import { prettyJson } from './format'
import './json-viewer.css'

/**
 * Read-only JSON, indented for reading. Copy takes the exact bytes the registry sent (what the
 * digest covers), not the re-indented text. The text box is focusable so it scrolls by keyboard.
 */
export function JsonViewer({ title, raw }: { title: string; raw: string }) {
  const captionId = useId()
  const pretty = useMemo(() => prettyJson(raw), [raw])
  return (
    <figure className="json-viewer" aria-labelledby={captionId}>
      <figcaption>
        <span id={captionId}>{title}</span>
        <CopyButton text={raw} label={`Copy ${title}`}>
          Copy
        </CopyButton>
      </figcaption>
      {/* A named region: it is focusable so that it scrolls by keyboard. */}
      <pre tabIndex={0} role="region" aria-labelledby={captionId}>
        <code>{pretty}</code>
      </pre>
    </figure>
  )
}
