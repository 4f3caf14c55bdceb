import { useQuery } from '@tanstack/react-query'
import type { ConnectionState } from '../../../../shared/models/connection'
import { useSetConnection } from '../../api/mutations'
import { profilesQuery } from '../../api/queries'
import { MutationErrorPanel } from '../../components/error-panel'
import './welcome.css'

/** Shown while no AWS credentials were found: how to add them, or try the demo registry. */
export function WelcomeScreen({ connection }: { connection: ConnectionState }) {
  const profiles = useQuery(profilesQuery())
  const setConnection = useSetConnection()
  const busy = setConnection.isPending

  return (
    <main className="welcome">
      <h1>Welcome to ECR Layer Browser</h1>
      <p className="lead">
        Browse the repositories, images and layers of Amazon Elastic Container Registry.
      </p>
      <p>
        No AWS credentials were found. The app uses the same credentials as the AWS CLI, so set them
        up in one of these ways, then choose <strong>Check again</strong>:
      </p>
      <ul className="setup-steps">
        <li>
          <strong>Access keys:</strong> run <code>aws configure</code> and enter an access key ID
          and secret access key.
        </li>
        <li>
          <strong>IAM Identity Center (SSO):</strong> run <code>aws configure sso</code>, then{' '}
          <code>aws sso login --profile NAME</code>, and pick the profile here.
        </li>
        <li>
          <strong>Environment variables:</strong> set <code>AWS_ACCESS_KEY_ID</code>,{' '}
          <code>AWS_SECRET_ACCESS_KEY</code> (and <code>AWS_SESSION_TOKEN</code> for temporary keys)
          and <code>AWS_REGION</code> before starting the app.
        </li>
      </ul>
      {profiles.data && (
        <p className="hint">
          Looked in <code>{profiles.data.configFile}</code> and{' '}
          <code>{profiles.data.credentialsFile}</code>.
        </p>
      )}
      <p>
        Or explore the app with the built-in demo registry, which needs no AWS account. It signs its
        images with a key made for each run, and shows the public key once it is open, so you can
        try verifying a signature.
      </p>
      <div className="actions">
        <button
          type="button"
          className="primary"
          disabled={busy}
          onClick={() => setConnection.mutate({ kind: 'demo' })}
        >
          Open demo registry
        </button>
        <button
          type="button"
          disabled={busy}
          onClick={() =>
            setConnection.mutate({ kind: 'aws', profile: null, region: connection.region })
          }
        >
          Check again
        </button>
      </div>
      <MutationErrorPanel mutation={setConnection} />
    </main>
  )
}
