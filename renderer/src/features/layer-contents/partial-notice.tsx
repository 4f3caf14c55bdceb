/** Problems with partial layers (a cap, a corrupt or truncated stream), shown above the tree. */
export function PartialNotice({
  problems,
}: {
  problems: { layer: number | null; message: string }[]
}) {
  if (problems.length === 0) return null
  return (
    <div className="partial-notice" role="note" aria-label="Incomplete listing">
      <strong>The listing is incomplete.</strong>
      <ul>
        {problems.map((problem, i) => (
          <li key={i}>
            {problem.layer !== null ? `Layer ${problem.layer + 1}: ` : ''}
            {problem.message}
          </li>
        ))}
      </ul>
    </div>
  )
}
