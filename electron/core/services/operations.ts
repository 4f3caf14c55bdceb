// The operations runtime lives in electron/core/operations; this path stays until the layer
// contents service moves onto it.
export { Operations } from '../operations/operations'
