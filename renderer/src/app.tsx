import { QueryClientProvider, useQuery } from '@tanstack/react-query'
import type { QueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { Link, Outlet, RouterProvider, createHashRouter, useRouteError } from 'react-router'
import { connectionQuery } from './api/queries'
import { createQueryClient } from './api/query-client'
import { useConnectionEvents } from './api/use-connection-events'
import { ErrorPanel } from './components/error-panel'
import { PageReadyContext, usePageReady } from './components/page-ready'
import { useBackShortcut } from './components/shortcuts'
import { ConnectionBar } from './features/connection/connection-bar'
import { DownloadsProvider } from './features/downloads/downloads-context'
import { DownloadsPanel, DownloadsToggle } from './features/downloads/downloads-panel'
import { LayerContentsPage } from './features/layer-contents/layer-contents-page'
import { RepositoriesPage } from './features/repositories/repositories-page'
import { RepositoryRoute } from './features/repositories/repository-route'
import { SettingsButton } from './features/settings/settings-button'
import { SettingsNotice } from './features/settings/settings-notice'
import { WelcomeScreen } from './features/welcome/welcome-screen'

/** The app: one QueryClient, hash routes (the renderer is loaded from a file). */
export function App({ queryClient }: { queryClient?: QueryClient }) {
  const [client] = useState(() => queryClient ?? createQueryClient())
  const [router] = useState(() =>
    createHashRouter([
      {
        element: <Shell />,
        errorElement: <RouteError />,
        children: [
          { index: true, element: <RepositoriesPage /> },
          { path: 'repositories/*', element: <RepositoryRoute /> },
          { path: 'contents/*', element: <LayerContentsPage /> },
          { path: '*', element: <NotFound /> },
        ],
      },
    ]),
  )
  return (
    <QueryClientProvider client={client}>
      <DownloadsProvider>
        <RouterProvider router={router} />
      </DownloadsProvider>
    </QueryClientProvider>
  )
}

/**
 * The frame around every page. `data-app-state` is "loading" until the connection is known and
 * the page on screen has settled its first data (or the welcome screen or an error panel shows),
 * then "ready". It goes back to "loading" while a new connection's first data loads.
 */
function Shell() {
  useConnectionEvents()
  useBackShortcut()
  const connection = useQuery(connectionQuery())
  const [pageReady, setPageReady] = useState(false)

  if (connection.isPending) {
    return (
      <div className="app" data-app-state="loading">
        <p className="app-loading">Connecting…</p>
      </div>
    )
  }
  if (connection.isError) {
    return (
      <div className="app" data-app-state="ready">
        <main className="app-error">
          <ErrorPanel
            error={connection.error}
            retrying={connection.isFetching}
            onRetry={() => void connection.refetch()}
          />
        </main>
      </div>
    )
  }
  const state = connection.data
  return (
    <div className="app" data-app-state={state.showWelcome || pageReady ? 'ready' : 'loading'}>
      <ConnectionBar
        connection={state}
        tools={
          <>
            <DownloadsToggle />
            <SettingsButton />
          </>
        }
      />
      <SettingsNotice />
      {state.showWelcome ? (
        <WelcomeScreen connection={state} />
      ) : (
        <PageReadyContext.Provider value={setPageReady}>
          <Outlet context={state} />
        </PageReadyContext.Provider>
      )}
      {/* Docked below the page: opening it takes room from the bottom, never moves the page. */}
      <DownloadsPanel />
    </div>
  )
}

function NotFound() {
  usePageReady(true)
  return (
    <main className="not-found">
      <h1>Page not found</h1>
      <p>
        <Link to="/">All repositories</Link>
      </p>
    </main>
  )
}

/** A render error: shown through the catalog like any other error. */
function RouteError() {
  const error = useRouteError()
  return (
    <div className="app" data-app-state="ready">
      <main className="app-error">
        <ErrorPanel error={error} onRetry={() => window.location.reload()} />
      </main>
    </div>
  )
}
