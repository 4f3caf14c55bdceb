// "View raw" of a referrer's blob: its text, read through the blob pipeline and verified in main.

/** A referrer blob as "View raw" shows it: its text, or why there is none. */
export interface ReferrerBlobText {
  digest: string
  mediaType: string
  size: number
  /** The blob as UTF-8 text, or null when it is binary or too large (`reason` says which). */
  text: string | null
  reason: string | null
}
