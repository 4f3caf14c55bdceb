/** The protocol-neutral error every layer of the emulator throws; the wire layer renders it. */
export class AwsError extends Error {
  /** Builds an error with AWS's exception name, the HTTP status it travels with, and its message. */
  constructor(
    readonly code: string,
    message: string,
    readonly status: number = 400,
  ) {
    super(message)
    this.name = code
  }
}

/** The message AWS attaches to every rejected signature, whatever the cause. */
export const SIGNATURE_MISMATCH_MESSAGE =
  'The request signature we calculated does not match the signature you provided. ' +
  'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.'

/** Coral's validation wording, which ECR returns inside InvalidParameterException. */
export function validationError(problems: readonly string[]): AwsError {
  const count = problems.length
  const head = `${count} validation error${count === 1 ? '' : 's'} detected: `
  return new AwsError('InvalidParameterException', head + problems.join('; '))
}
