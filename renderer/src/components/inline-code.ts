/** One run of catalog text: plain, or a `command` to show as code. */
export interface TextRun {
  text: string
  code: boolean
}

/**
 * Splits catalog text on backticks: odd runs are code. An unmatched backtick is kept as text, so
 * a stray one never swallows the rest of the sentence.
 */
export function splitInlineCode(text: string): TextRun[] {
  const parts = text.split('`')
  if (parts.length % 2 === 0) {
    // Unbalanced: rejoin the last opened run as plain text.
    const tail = parts.splice(parts.length - 2, 2).join('`')
    parts.push(tail)
  }
  return parts
    .map((part, index) => ({ text: part, code: index % 2 === 1 }))
    .filter((run) => run.text !== '')
}
