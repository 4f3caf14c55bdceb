import { Breadcrumbs, type Crumb } from '../../components/breadcrumbs'
import { imageTabPath, repositoryPath } from '../../routes'
import { shortDigest } from '../images/labels'

/**
 * The trail of a contents page: the repository, the image (to its tab of this view) and the page.
 * Every contents view links back to its image this way.
 */
export function ContentsBreadcrumbs({
  repositoryName,
  imageDigest,
  imageLabel,
  tab = 'files',
  current,
}: {
  repositoryName: string
  imageDigest?: string | null
  /** How the image is named in the trail (its tag); the short digest by default. */
  imageLabel?: string | null
  /** The image page's tab that shows this view. */
  tab?: string
  current: string
}) {
  const items: Crumb[] = [
    { label: 'All repositories', to: '/' },
    { label: repositoryName, to: repositoryPath(repositoryName) },
  ]
  if (imageDigest) {
    items.push({
      label: imageLabel ?? shortDigest(imageDigest),
      title: imageDigest,
      to: imageTabPath(repositoryName, imageDigest, tab),
    })
  }
  items.push({ label: current })
  return <Breadcrumbs items={items} />
}
