import { createContext, useContext, useEffect } from 'react'

/**
 * The shell's setter for "the routed page has settled its first data", which feeds
 * data-app-state. Each page reports through usePageReady, so the signal follows the route.
 */
export const PageReadyContext = createContext<(ready: boolean) => void>(() => {})

/** Reports this page's readiness while it is mounted. */
export function usePageReady(ready: boolean): void {
  const setReady = useContext(PageReadyContext)
  useEffect(() => {
    setReady(ready)
    return () => setReady(false)
  }, [ready, setReady])
}
