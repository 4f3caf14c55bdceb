import { Navigate, useParams } from 'react-router'
import { parseRepositoryRoute } from '../../routes'
import { ImagePage } from '../image-page/image-page'
import { RepositoryPage } from './repository-page'

/** /repositories/*: a repository's images, or one image (see routes.ts for the scheme). */
export function RepositoryRoute() {
  // The name is the rest of the path: repository names contain slashes.
  const route = parseRepositoryRoute(useParams()['*'] ?? '')
  if (route.repositoryName === '') return <Navigate to="/" replace />
  if (route.imageDigest !== null) {
    return (
      <ImagePage
        key={`${route.repositoryName}@${route.imageDigest}`}
        repositoryName={route.repositoryName}
        imageDigest={route.imageDigest}
      />
    )
  }
  return <RepositoryPage key={route.repositoryName} repositoryName={route.repositoryName} />
}
