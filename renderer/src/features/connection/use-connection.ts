import { useOutletContext } from 'react-router'
import type { ConnectionState } from '../../../../shared/models/connection'

/** The connection in use. Routed pages render only once the shell has loaded it. */
export function useConnection(): ConnectionState {
  return useOutletContext<ConnectionState>()
}
