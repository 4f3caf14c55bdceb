import { useId } from 'react'
import { formatBytes, formatExactBytes } from '../../components/format'

/** The paths whose earlier versions still take space in the image, largest first. */
export function WastedList({
  wasted,
}: {
  wasted: { path: string; bytes: number; layers: number[] }[]
}) {
  const headingId = useId()
  return (
    <section className="wasted" aria-labelledby={headingId}>
      <h2 id={headingId}>Wasted space by path</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Path</th>
            <th scope="col">Wasted</th>
            <th scope="col">Written by</th>
          </tr>
        </thead>
        <tbody>
          {wasted.slice(0, 20).map((w) => (
            <tr key={w.path}>
              <td>
                <code>/{w.path}</code>
              </td>
              <td className="cell-number" title={formatExactBytes(w.bytes)}>
                {formatBytes(w.bytes)}
              </td>
              <td>{w.layers.map((l) => `layer ${l + 1}`).join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}
