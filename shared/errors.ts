import type { AppError } from './ipc/result'
import type { ErrorCode } from './error-codes'

export { ERROR_CODES, type ErrorCode } from './error-codes'

/** What the user reads: a title, what happened, and what to do next. */
export interface ErrorDescription {
  title: string
  explanation: string
  nextStep: string
}

type Entry = (error: AppError) => ErrorDescription

const profileFlag = (error: AppError): string =>
  error.profile ? ` --profile ${error.profile}` : ''

// The image an error is about, as the AWS CLI names it; placeholders when the error does not say.
const imageFlags = (error: AppError): string =>
  `--repository-name ${error.repositoryName ?? '<repository>'} --image-id imageDigest=${error.imageDigest ?? '<digest>'}`

// The upstream registry of a pull-through cache, when the service found it from the cache rule.
const upstream = (error: AppError): string => (error.resource ? ` ${error.resource}` : '')

const catalog: Record<ErrorCode, Entry> = {
  NoCredentials: (e) => ({
    title: 'No AWS credentials found',
    explanation:
      'The AWS SDK looked in the environment, the shared credentials and config files, IAM Identity Center (SSO), credential_process and assumed roles, and found no credentials' +
      (e.profile ? ` for the profile "${e.profile}".` : '.'),
    nextStep:
      'Run `aws configure` to store access keys, or `aws configure sso` and then `aws sso login` for IAM Identity Center. Or open the demo registry to explore the app without AWS.',
  }),
  SsoTokenExpired: (e) => ({
    title: 'Your AWS SSO session has expired',
    explanation:
      'The IAM Identity Center (SSO) token cached for this profile is missing or expired, so the SDK cannot get role credentials.',
    nextStep: `Run \`aws sso login${profileFlag(e)}\`, then retry.`,
  }),
  ExpiredToken: (e) => ({
    title: 'Your AWS credentials have expired',
    explanation:
      'The session token sent with the request is past its expiry time. Temporary credentials (from SSO, an assumed role or `aws sts get-session-token`) last only a few hours.',
    nextStep: `Refresh the credentials (for SSO, \`aws sso login${profileFlag(e)}\`; for exported keys, export a new set), then retry.`,
  }),
  UnrecognizedClient: (e) => ({
    title: 'AWS does not recognise these access keys',
    explanation:
      'The access key ID is invalid, deleted or deactivated, or it belongs to a different partition than the region you chose.',
    nextStep: `Check the keys with \`aws sts get-caller-identity${profileFlag(e)}\`, and create new ones in IAM if they were rotated.`,
  }),
  InvalidSignature: () => ({
    title: 'The request signature was rejected',
    explanation:
      'AWS computed a different signature: the secret access key does not match the access key ID, or this computer’s clock is more than five minutes off.',
    nextStep:
      'Check that the secret key belongs to the access key ID, and that the system clock is set automatically (network time).',
  }),
  AccessDenied: (e) => ({
    title: 'Access denied',
    explanation: e.action
      ? `Your identity is not allowed to call ${e.action}${e.resource ? ` on ${e.resource}` : ''}.`
      : 'Your identity is not allowed to make this call.',
    nextStep: e.action
      ? `Ask an administrator to allow the IAM action \`${e.action}\` for your role or user${e.resource ? ` on \`${e.resource}\`` : ''}, or switch to a profile that has it.`
      : 'Ask an administrator for the ECR read permissions (for example the AmazonEC2ContainerRegistryReadOnly policy), or switch profile.',
  }),
  Throttling: () => ({
    title: 'AWS is throttling requests',
    explanation:
      'Too many ECR requests were made in a short time, and retries did not get through.',
    nextStep:
      'Wait a few seconds and retry. If other tools share this account, they count against the same limit.',
  }),
  NetworkUnreachable: (e) => ({
    title: 'Cannot reach the ECR endpoint',
    explanation: `The connection to ECR${e.region ? ` in ${e.region}` : ''} failed before AWS answered: no network, a proxy or firewall in the way, or a custom endpoint that is not listening.`,
    nextStep:
      'Check your network and proxy settings (HTTPS_PROXY), the region, and AWS_ENDPOINT_URL_ECR or the profile’s endpoint_url if you set one.',
  }),
  RepositoryNotFound: (e) => {
    // ECR's own wording names the repository and the registry; for a listing of another
    // account's registry it says "the repository with name '*'", which names neither for a person.
    const asked =
      /repository with name '([^']*)' does not exist in the registry with id '(\d+)'/.exec(
        e.message,
      )
    const where = e.region ? ` in ${e.region}` : ''
    if (asked?.[1] === '*') {
      return {
        title: 'No repositories in this registry',
        explanation: `Registry ${asked[2]} has no repositories you can list${where}: it does not exist, it has none in this region, or its registry policy does not let your account see them.`,
        nextStep: `Check the 12-digit registry ID and the region, or clear the registry field to browse your own account. Listing another account's registry needs ecr:DescribeRepositories granted in that registry's policy.`,
      }
    }
    return {
      title: 'Repository not found',
      explanation: asked
        ? `There is no repository "${asked[1]}" in registry ${asked[2]}${where}.`
        : e.message || 'The repository does not exist in this registry.',
      nextStep: `Check the name, the region${e.region ? ` (now ${e.region})` : ''} and the account: repositories are per region and per registry.`,
    }
  },
  InvalidParameter: (e) => ({
    title: 'Invalid input',
    explanation: e.field ? `The field "${e.field}" is not valid: ${e.message}` : e.message,
    nextStep: 'Correct the value and try again. Nothing was sent to AWS.',
  }),
  ServerException: () => ({
    title: 'ECR had an internal error',
    explanation:
      'Amazon ECR answered with a server error, even after retries. This is on AWS’s side.',
    nextStep: 'Retry in a minute, and check the AWS Health Dashboard if it keeps happening.',
  }),
  Forbidden: () => ({
    title: 'Request refused',
    explanation: 'The request did not come from the app’s own window, so it was refused.',
    nextStep: 'Reload the window. If you opened the web bridge, use the URL it printed.',
  }),
  BridgeUnavailable: () => ({
    title: 'The app’s connection to its main process is missing',
    explanation:
      'This page was opened without the app around it, so it cannot reach AWS or the demo registry.',
    nextStep: 'Start the app with `npm start`, or open the URL that `npm run web` printed.',
  }),
  ClipboardRefused: () => ({
    title: 'Could not copy',
    explanation: 'The system refused the app access to the clipboard.',
    nextStep: 'Select the text and copy it with Ctrl+C (Cmd+C on a Mac).',
  }),
  ImageNotFound: (e) => ({
    title: 'Image not found',
    explanation: e.message || 'The image does not exist in this repository.',
    nextStep:
      'The tag may have moved or the image may have been deleted by a lifecycle policy. Refresh the images list.',
  }),
  LimitExceeded: () => ({
    title: 'Too many items in one request',
    explanation: 'ECR accepts at most 100 image IDs or layer digests per call.',
    nextStep: 'Retry; the app splits larger requests. If it keeps happening, report it.',
  }),
  UnableToGetUpstreamImage: (e) => ({
    title: 'The upstream registry did not provide the image',
    explanation: `This repository is a pull-through cache${e.resource ? ` of ${e.resource}` : ''}, and ECR could not fetch the image from the upstream registry. ${e.message}`,
    nextStep:
      'Check that the upstream registry is reachable and has the image, and that the cache rule’s credentials (Secrets Manager) are valid.',
  }),
  UnableToGetUpstreamLayer: (e) => ({
    title: 'The upstream registry did not provide the layer',
    explanation: `This repository is a pull-through cache${e.resource ? ` of ${e.resource}` : ''}, and ECR could not fetch the layer from the upstream registry. ${e.message}`,
    nextStep:
      'Check that the upstream registry is reachable and still has the image, and the cache rule’s credentials. Pulling the image once with docker also fills the cache.',
  }),
  InvalidImageDigest: (e) => ({
    title: 'Invalid image digest',
    explanation: e.message || 'The digest is not of the form sha256:<64 hex digits>.',
    nextStep: 'Check the digest you entered or copied.',
  }),
  InvalidImageTag: (e) => ({
    title: 'Invalid image tag',
    explanation: e.message || 'The tag is not valid.',
    nextStep: 'Tags are up to 300 characters of letters, digits, ".", "_" and "-".',
  }),
  ImageTagDoesNotMatchDigest: (e) => ({
    title: 'The tag points at another image now',
    explanation: e.message || 'The tag no longer refers to this digest.',
    nextStep: 'Refresh the images list to see where the tag points now.',
  }),
  MissingDigestAndTag: () => ({
    title: 'No image given',
    explanation: 'The request named neither a digest nor a tag.',
    nextStep: 'Pick an image from the list.',
  }),
  ImageReferencedByManifestList: (e) => ({
    title: 'Image is part of a manifest list',
    explanation: e.message || 'This image is referenced by a multi-platform index.',
    nextStep: 'Open the index that contains it instead.',
  }),
  KmsError: (e) => ({
    title: 'The image could not be decrypted',
    explanation: `ECR could not use the repository’s KMS key. ${e.message}`,
    nextStep: 'Ask an administrator to allow kms:Decrypt on the repository’s key for your role.',
  }),
  UpstreamAccessDenied: (e) => ({
    title: 'The upstream registry refused access',
    explanation: `The pull-through cache’s credentials were rejected by the upstream registry${upstream(e)}. ${e.message}`,
    nextStep: 'Update the cache rule’s credentials in Secrets Manager.',
  }),
  UpstreamTooManyRequests: (e) => ({
    title: 'The upstream registry is rate limiting',
    explanation: `The upstream registry${upstream(e)} answered "too many requests". ${e.message}`,
    nextStep: 'Wait and retry, or authenticate the cache rule to get a higher limit.',
  }),
  UpstreamUnavailable: (e) => ({
    title: 'The upstream registry is unavailable',
    explanation: `This repository is a pull-through cache and the image is not cached; the upstream registry${upstream(e)} did not answer. ${e.message}`,
    nextStep: 'Retry later, and check the upstream registry’s status.',
  }),
  ImageInaccessible: (e) => ({
    title: 'Image is not accessible',
    explanation: e.message || 'ECR cannot serve this image right now (for example it is archived).',
    nextStep: 'If the image was archived, restore it in the ECR console, then retry.',
  }),
  UnsupportedManifest: (e) => ({
    title: 'Unsupported manifest type',
    explanation: e.message,
    nextStep:
      'The app reads Docker v2 schema 2, Docker manifest lists, OCI manifests and OCI indexes. Use `aws ecr batch-get-image` to see this one raw.',
  }),
  InvalidManifest: (e) => ({
    title: 'The manifest could not be read',
    explanation: e.message,
    nextStep:
      'Look at it raw with `aws ecr batch-get-image`; the image may have been pushed by a non-conforming tool.',
  }),
  LayersNotFound: (e) => ({
    title: 'Layer not found',
    explanation: e.message || 'ECR has no layer with this digest in the repository.',
    nextStep: 'Refresh the image: it may have been deleted or re-pushed.',
  }),
  LayerInaccessible: (e) => ({
    title: 'Layer is not part of any image',
    explanation: `${e.message || 'The layer exists but no image references it.'} ECR may clean up such layers at any time.`,
    nextStep: 'Open the layer from an image that references it.',
  }),
  ImageArchived: (e) => ({
    title: 'This image is archived',
    explanation: `${e.message ? `${e.message} ` : ''}ECR keeps archived images in its archive storage class, where they cannot be pulled, downloaded or looked inside until they are restored. Restoring takes time (the image shows as Activating until it is back), and an image stays billed for at least 90 days once archived.`,
    nextStep: `Restore it with \`aws ecr update-image-storage-class ${imageFlags(e)} --target-storage-class STANDARD\`, wait until it is Active again, then open it. This app only reads, so it never restores by itself.`,
  }),
  ImageStorageClassUpdateNotSupported: (e) => ({
    title: 'ECR cannot move this image to that storage class',
    explanation: `${e.message || 'The requested storage class change is not supported for this image.'} Only an Active image can be archived and only an Archived one restored; an image that is Activating is already being restored.`,
    nextStep:
      'Refresh the images list to see the image’s current status, and wait for a restore in progress to finish.',
  }),
  UnableToListUpstreamImageReferrers: (e) => ({
    title: 'The upstream registry did not list the referrers',
    explanation: `This repository is a pull-through cache${upstream(e)}, and ECR could not list the image’s signatures, SBOMs and attestations from the upstream registry. ${e.message}`,
    nextStep:
      'Check that the upstream registry is reachable and that the cache rule’s credentials (the Secrets Manager secret) are valid, then try again.',
  }),
  ForeignLayer: () => ({
    title: 'This layer lives outside ECR',
    explanation:
      'It is a foreign (non-distributable) layer, mostly a Windows base layer, which registries do not store; its manifest lists where it comes from.',
    nextStep:
      'Fetch it from the URL in the manifest (usually mcr.microsoft.com) with docker or crane.',
  }),
  DigestMismatch: (e) => ({
    title: 'Downloaded bytes do not match the digest',
    explanation: e.message,
    nextStep:
      'Retry the download. If it fails again, the blob or a proxy in between is corrupting it.',
  }),
  DiskWriteFailed: (e) => ({
    title: 'The file could not be written',
    explanation: `${e.message} The partial file was removed.`,
    nextStep: 'Free some disk space or pick another folder, then retry.',
  }),
  DiskFull: (e) => ({
    title: 'The disk is full',
    explanation: `${e.message} Nothing half-written was kept.`,
    nextStep:
      'Free some space on that disk, then retry. Downloads can also go to a folder on another disk (Settings → Download folder).',
  }),
  UnsafeFile: (e) => ({
    title: 'Something else is at this path',
    explanation: `${e.message} The app writes only regular files it created or may replace: it never writes through a symbolic link, into a file that has other hard links, or over a folder, so nothing planted in a shared folder can redirect a write.`,
    nextStep:
      'Look at what is at that path: move or delete it if you do not know it, or choose another folder, then retry.',
  }),
  Cancelled: () => ({
    title: 'Cancelled',
    explanation: 'The operation was cancelled; nothing was left behind.',
    nextStep: 'Start it again when you are ready.',
  }),
  LayerUnreadable: (e) => ({
    title: 'The layer could not be read to the end',
    explanation: `${e.message} Its digest matched, so this is how the layer was pushed, not a download fault.`,
    nextStep:
      'The entries read before the damage are still listed. Rebuild and push the image to get a readable layer.',
  }),
  PathNotInLayer: (e) => ({
    title: 'Not in this layer',
    explanation: e.message || 'The layer has no entry at this path.',
    nextStep: 'Open the layer that last wrote the path: the merged view names it.',
  }),
  UnsafeEntry: (e) => ({
    title: 'Refused for safety',
    explanation: `${e.message} Layers are untrusted: the app never creates device nodes, never follows links out of the folder you chose, and never writes through a link.`,
    nextStep:
      'Extract the folder around it to get the other files, or inspect the layer with `tar -tvf` on the downloaded blob.',
  }),
  IndexNeedsPlatform: (e) => ({
    title: 'Pick a platform first',
    explanation:
      e.message ||
      'This digest names an index of per-platform images, which has no files of its own.',
    nextStep: 'Open one of its platforms (for example linux/amd64) to see its files.',
  }),
  LayerIndexTooLarge: (e) => ({
    title: 'Too many files to list',
    explanation: `${e.message || "This layer's index is too large to show; extract it instead."} Listing it would take more memory than the app allows one layer, so reading stopped at the limit.`,
    nextStep:
      'Extract the whole layer instead: its files are written to a folder you choose, without listing them here.',
  }),
  ExportTargetNotEmpty: (e) => ({
    title: 'The target is not empty',
    explanation: e.message,
    nextStep:
      'Choose an empty or new folder (or a new file name for a tar), or move what is there out of the way, then save again.',
  }),
  ScanNotFound: (e) => ({
    title: 'This image has never been scanned',
    explanation: `ECR has no scan of this image${e.message ? ` (${e.message})` : ''}: it was pushed before scan on push was turned on, or the repository is not covered by a scanning rule.`,
    nextStep: `Scan it now with \`aws ecr start-image-scan ${imageFlags(e)}\` (basic scanning), turn on scan on push for the repository, or add the repository to the registry’s enhanced scanning settings (Amazon Inspector) under Private registry → Scanning.`,
  }),
  ScanInProgress: () => ({
    title: 'The scan is still running',
    explanation: 'ECR is scanning this image (IN_PROGRESS); findings appear when it completes.',
    nextStep: 'Refresh in a minute or two. Basic scans usually finish within a few minutes.',
  }),
  ScanFailed: (e) => ({
    title: 'The scan failed',
    explanation: `ECR could not complete the scan (FAILED)${e.message ? `: ${e.message}` : '.'}`,
    nextStep: `Run \`aws ecr start-image-scan ${imageFlags(e)}\` to try again; if it fails again, check that the image’s layers are pullable (not archived) and of a supported media type.`,
  }),
  ScanUnsupportedImage: (e) => ({
    title: 'This image cannot be scanned',
    explanation: `The scanner does not support this image’s operating system or package manager (UNSUPPORTED_IMAGE)${e.message ? `: ${e.message}` : '.'}`,
    nextStep:
      'Check the supported operating systems and package managers of basic scanning and of Amazon Inspector; enhanced scanning covers more (language packages too). Scratch and Windows images are not scanned.',
  }),
  ScanPending: () => ({
    title: 'The scan has not started yet',
    explanation: 'The image is waiting to be scanned (PENDING).',
    nextStep:
      'Refresh in a few minutes; with enhanced scanning, Inspector scans new images shortly after the push.',
  }),
  ScanEligibilityExpired: () => ({
    title: 'Continuous scanning of this image has ended',
    explanation:
      'The image is past the scan duration set for enhanced scanning (SCAN_ELIGIBILITY_EXPIRED), so Amazon Inspector no longer rescans it and its findings are not updated.',
    nextStep:
      'Lengthen the ECR re-scan duration in Amazon Inspector’s settings (Account management → ECR scanning duration), or push the image again to restart it.',
  }),
  ScanFindingsUnavailable: () => ({
    title: 'Findings are unavailable',
    explanation:
      'Amazon Inspector has no findings to return for this image (FINDINGS_UNAVAILABLE): it stopped monitoring the image, for example after the scan duration ended or enhanced scanning was turned off for the repository.',
    nextStep:
      'Check the registry’s enhanced scanning settings (Private registry → Scanning) and the scan duration in Amazon Inspector; push or re-tag the image to have it scanned again.',
  }),
  ScanLimitExceeded: () => ({
    title: 'The scan limit was reached',
    explanation:
      'Basic scanning scans an image at most once every 24 hours (LIMIT_EXCEEDED); this image was already scanned today.',
    nextStep:
      'Wait until 24 hours after the last scan and run `aws ecr start-image-scan` again, or use enhanced scanning, which rescans continuously.',
  }),
  ScanImageArchived: (e) => ({
    title: 'The image is archived',
    explanation:
      'Archived images are not scanned (IMAGE_ARCHIVED); their findings are not kept up to date.',
    nextStep: `Restore the image to the standard storage class (\`aws ecr update-image-storage-class ${imageFlags(e)} --target-storage-class STANDARD\`), then scan it again.`,
  }),
  PathNotChosen: (e) => ({
    title: 'This path was not chosen in the app',
    explanation: `${e.message} The app reads and writes only files you chose with its dialogs, and what is under the download folder or a folder you picked, so a page or a crafted request cannot point it at other files (a link planted in those folders counts as where it leads).`,
    nextStep:
      e.field === 'directory' || e.field === 'downloadDir'
        ? 'Choose the folder with Change… under Settings → Download folder, then try again.'
        : e.picker === false
          ? `There is no file dialog here: put the file in the download folder${e.folder ? ` (${e.folder})` : ''} and type its path there.`
          : `Choose the file with Choose file…, or put it in the download folder${e.folder ? ` (${e.folder})` : ''}, then try again.`,
  }),
  Unknown: (e) => ({
    title: 'Something went wrong',
    explanation: e.awsName ? `${e.awsName}: ${e.message}` : e.message,
    nextStep: 'Retry. If it keeps happening, copy the details and report it.',
  }),
}

/** Looks up the title, explanation and next step for an error. */
export function describeError(error: AppError): ErrorDescription {
  // The code arrives over IPC or HTTP: `__proto__` or `constructor` must not find Object's.
  return (Object.hasOwn(catalog, error.code) ? catalog[error.code] : catalog.Unknown)(error)
}

/** Type guard for AppError-shaped data. */
export function isAppError(value: unknown): value is AppError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AppError).code === 'string' &&
    typeof (value as AppError).message === 'string'
  )
}
