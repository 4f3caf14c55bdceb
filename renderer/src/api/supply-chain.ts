import { queryOptions, useMutation } from '@tanstack/react-query'
import type { RequestOf } from '../../../shared/ipc/contract'
import type { ConnectionState } from '../../../shared/models/connection'
import { invoke } from './ecr'
import { connectionKey, queryKeys } from './query-keys'

/** Supply-chain reads sit under the repository's key, so a connection change drops them with the rest. */
const supplyChainKey = (
  connection: ConnectionState,
  repositoryName: string,
  ...what: readonly string[]
) =>
  [
    ...queryKeys.registry(connectionKey(connection)),
    'repository',
    repositoryName,
    'supply-chain',
    ...what,
  ] as const

// Referrers come and go (a new signature, an SBOM pushed later); a minute keeps tab switches cheap.
const REFERRERS_STALE_MS = 60_000

/** An image's referrers in words, with their own referrers (the core walks every page and status). */
export const referrersQuery = (
  connection: ConnectionState,
  repositoryName: string,
  imageDigest: string,
) =>
  queryOptions({
    queryKey: supplyChainKey(connection, repositoryName, 'referrers', imageDigest),
    queryFn: () => invoke('supply-chain:referrers', { repositoryName, imageDigest }),
    staleTime: REFERRERS_STALE_MS,
  })

/** DescribeImageSigningStatus: ECR managed signing per signing profile. */
export const signingStatusQuery = (
  connection: ConnectionState,
  repositoryName: string,
  imageDigest: string,
) =>
  queryOptions({
    queryKey: supplyChainKey(connection, repositoryName, 'signing-status', imageDigest),
    queryFn: () => invoke('ecr:signing-status', { repositoryName, imageDigest }),
    staleTime: REFERRERS_STALE_MS,
  })

// Documents are content-addressed by the referrer's digest: they never go stale.

/** An SBOM referrer's document, parsed in main. */
export const sbomQuery = (connection: ConnectionState, repositoryName: string, digest: string) =>
  queryOptions({
    queryKey: supplyChainKey(connection, repositoryName, 'sbom', digest),
    queryFn: () => invoke('supply-chain:sbom', { repositoryName, digest }),
    staleTime: Infinity,
  })

/** A provenance referrer's statement in words, and raw. */
export const provenanceQuery = (
  connection: ConnectionState,
  repositoryName: string,
  digest: string,
) =>
  queryOptions({
    queryKey: supplyChainKey(connection, repositoryName, 'provenance', digest),
    queryFn: () => invoke('supply-chain:provenance', { repositoryName, digest }),
    staleTime: Infinity,
  })

/** A Notation signature's signer, signing time and signed digest. */
export const notationQuery = (
  connection: ConnectionState,
  repositoryName: string,
  digest: string,
) =>
  queryOptions({
    queryKey: supplyChainKey(connection, repositoryName, 'notation', digest),
    queryFn: () => invoke('supply-chain:notation', { repositoryName, digest }),
    staleTime: Infinity,
  })

/** One blob of a referrer as text, for "View raw". */
export const referrerBlobQuery = (
  connection: ConnectionState,
  repositoryName: string,
  digest: string,
  blobDigest: string,
) =>
  queryOptions({
    queryKey: supplyChainKey(connection, repositoryName, 'blob', digest, blobDigest),
    queryFn: () => invoke('supply-chain:blob', { repositoryName, digest, blobDigest }),
    staleTime: Infinity,
  })

/** A keyless Sigstore bundle verified offline in main: its certificate identity and the verdict. */
export const keylessQuery = (
  connection: ConnectionState,
  repositoryName: string,
  digest: string,
  subjectDigest: string,
) =>
  queryOptions({
    queryKey: supplyChainKey(connection, repositoryName, 'keyless', digest, subjectDigest),
    queryFn: () => invoke('supply-chain:keyless', { repositoryName, digest, subjectDigest }),
    staleTime: Infinity,
  })

/** The demo registry's signing public key for this run, or null away from the demo. */
export const demoKeyQuery = (connection: ConnectionState) =>
  queryOptions({
    queryKey: [...queryKeys.registry(connectionKey(connection)), 'demo-key'] as const,
    queryFn: () => invoke('supply-chain:demo-key', {}),
    staleTime: Infinity,
  })

/** One `supply-chain:verify` request. */
export type VerifyRequest = RequestOf<'supply-chain:verify'>

/** Verifies a cosign signature in main; only the verdict comes back. */
export function useVerifySignature() {
  return useMutation({
    mutationFn: (request: VerifyRequest) => invoke('supply-chain:verify', request),
  })
}
