import { toAppError } from '../../api/ecr'

/** A layer too large to list stays so: retrying would read it into the same limit again. */
export const indexTooLarge = (error: unknown) => toAppError(error).code === 'LayerIndexTooLarge'
