import { splitInlineCode } from './inline-code'

/** Catalog text with its `backtick` runs shown as code. */
export function RichText({ text }: { text: string }) {
  return (
    <>
      {splitInlineCode(text).map((run, index) =>
        run.code ? <code key={index}>{run.text}</code> : <span key={index}>{run.text}</span>,
      )}
    </>
  )
}
