import { thrownAppError } from '../../api/ecr'

/** A layer too large to list stays so: retrying would read it into the same limit again. */
export const indexTooLarge = (error: unknown) => thrownAppError(error).code === 'LayerIndexTooLarge'
