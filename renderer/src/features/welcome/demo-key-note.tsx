import { useQuery } from '@tanstack/react-query'
import { demoKeyQuery } from '../../api/supply-chain'
import { CopyButton } from '../../components/copy-button'
import { useConnection } from '../connection/use-connection'
import './demo-key-note.css'

/**
 * In the demo registry: the cosign public key this run signed demo/signed with, to copy and try
 * verification with. Nothing away from the demo (supply-chain:demo-key answers null).
 */
export function DemoKeyNote() {
  const connection = useConnection()
  const key = useQuery({ ...demoKeyQuery(connection), enabled: connection.kind === 'demo' })
  if (connection.kind !== 'demo' || !key.data) return null
  return (
    <details className="demo-key-note">
      <summary>Demo signing key: try signature verification</summary>
      <p>
        The demo registry signed its images at start with a key pair made for this run. Copy the
        public key, open <strong>demo/signed</strong>, image <strong>1.0</strong>, and verify its
        cosign signature on the Supply chain tab with it.
      </p>
      <pre className="demo-key-pem">{key.data.publicKeyPem.trim()}</pre>
      <CopyButton text={key.data.publicKeyPem} label="Copy public key" />
    </details>
  )
}
