/** What a benchmark suite hands back to the runner. */
export interface SuiteResult {
  /** The section for docs/benchmarks.md, without its heading. */
  markdown: string
  /** What to print when it is done. */
  console: string
  /** Goals the measurements missed, one line each (empty when every goal was met). */
  missed: string[]
}

/** One benchmark suite: a section of docs/benchmarks.md. */
export interface Suite {
  /** A short id for the command line and the section markers ("browse"). */
  id: string
  /** The section heading. */
  title: string
  run(): Promise<SuiteResult>
}

/** Statistics of a list of milliseconds. */
export function stats(values: readonly number[]): { median: number; p95: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b)
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN
  return { median: at(0.5), p95: at(0.95), max: sorted.at(-1) ?? NaN }
}

/** "12.3 ms". */
export const ms = (value: number): string => `${value.toFixed(1)} ms`

/** The ratio of a measurement to its goal, for a "≤ goal" goal: under 1.00× meets it. */
export const ratio = (value: number, goal: number): string => `${(value / goal).toFixed(2)}×`

/** A markdown table. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n')
}

/** The JSON a measuring child process printed on its last line of output. */
export function lastJsonLine<T>(stdout: string): T {
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as T
}
