import { useIsFetching, useQuery } from '@tanstack/react-query'
import { useId } from 'react'
import type { ReactNode } from 'react'
import { describeError } from '../../../../shared/errors'
import type { ConnectionState } from '../../../../shared/models/connection'
import { thrownAppError } from '../../api/ecr'
import { useRefresh, useSetConnection, useSetRegistry } from '../../api/mutations'
import { callerIdentityQuery, identityQuery, profilesQuery } from '../../api/queries'
import { MutationErrorPanel } from '../../components/error-panel'
import { RegistryField } from './registry-field'
import {
  choiceForProfile,
  profileLabel,
  profileOptions,
  profileValue,
  regionOptions,
} from './connection-options'
import './connection-bar.css'

/** Profile and region pickers, who the user is, Refresh, and the app's own tools after them. */
export function ConnectionBar({
  connection,
  tools,
}: {
  connection: ConnectionState
  /** Downloads and Settings, at the end of the bar. */
  tools?: ReactNode
}) {
  const profiles = useQuery(profilesQuery())
  const setConnection = useSetConnection()
  const setRegistry = useSetRegistry()
  const refresh = useRefresh()
  const fetching = useIsFetching() > 0
  const profileId = useId()
  const regionId = useId()
  const busy = setConnection.isPending
  const demo = connection.kind === 'demo'

  return (
    <>
      <header className="connection-bar">
        <div className="connection-controls">
          <label className="field" htmlFor={profileId}>
            Profile
          </label>
          <select
            id={profileId}
            value={profileValue(connection)}
            disabled={busy}
            onChange={(event) =>
              setConnection.mutate(choiceForProfile(event.target.value, connection, profiles.data))
            }
          >
            {profileOptions(connection, profiles.data).map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
          <label className="field" htmlFor={regionId}>
            Region
          </label>
          <select
            id={regionId}
            value={connection.region}
            disabled={busy || demo}
            onChange={(event) =>
              setConnection.mutate({
                kind: 'aws',
                profile: connection.profile,
                region: event.target.value,
              })
            }
          >
            {regionOptions(connection.region).map((region) => (
              <option key={region} value={region}>
                {region}
              </option>
            ))}
          </select>
          {!connection.showWelcome && (
            <RegistryField
              key={`${connection.kind}:${connection.profile ?? ''}:${connection.registryId ?? ''}`}
              connection={connection}
              setRegistry={setRegistry}
            />
          )}
          <button
            type="button"
            className="refresh"
            onClick={() => void refresh()}
            aria-busy={fetching}
          >
            Refresh
          </button>
          {tools && <div className="app-tools">{tools}</div>}
        </div>
        {!connection.showWelcome && <IdentityLine connection={connection} />}
      </header>
      <MutationErrorPanel mutation={setRegistry} />
      <MutationErrorPanel mutation={setConnection} />
    </>
  )
}

/** Account, region and profile from DescribeRegistry; the caller ARN loads on its own. */
function IdentityLine({ connection }: { connection: ConnectionState }) {
  const identity = useQuery(identityQuery(connection))
  const caller = useQuery(callerIdentityQuery(connection))
  const arn = caller.data?.arn ?? null

  let account: string
  let accountTitle: string | undefined
  if (identity.isPending) account = '…'
  else if (identity.isError) {
    account = 'unavailable'
    accountTitle = describeError(thrownAppError(identity.error)).title
  } else account = identity.data.account

  const region = identity.data?.region ?? connection.region
  const profile = identity.data
    ? profileLabel(identity.data.kind, identity.data.profile)
    : profileLabel(connection.kind, connection.profile)

  return (
    <div className="identity">
      <span title={accountTitle}>{`Account: ${account}`}</span>
      <span>{`Region: ${region}`}</span>
      <span>{`Profile: ${profile}`}</span>
      {connection.registryId && (
        <span className="other-registry">{`Browsing registry: ${connection.registryId}`}</span>
      )}
      {caller.isPending ? (
        <span className="arn" title="Asking STS who you are">
          …
        </span>
      ) : (
        arn && (
          <span className="arn" title={arn}>
            {arn}
          </span>
        )
      )}
      {connection.endpoint && (
        <span className="endpoint">{`Endpoint: ${connection.endpoint}`}</span>
      )}
    </div>
  )
}
