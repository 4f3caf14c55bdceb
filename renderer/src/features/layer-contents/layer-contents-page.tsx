import { Link, useParams, useSearchParams } from 'react-router'
import { usePageReady } from '../../components/page-ready'
import { DiffView } from './diff-view'
import { ImageContentsPage } from './image-contents-page'
import { LayerView } from './layer-view'
import { parseContentsRoute } from './routes'
import './layer-contents.css'

/** The /contents/* routes: an image's files (merged or by layer), one layer, or a diff. */
export function LayerContentsPage() {
  const rest = useParams()['*'] ?? ''
  const [search] = useSearchParams()
  const route = parseContentsRoute(rest, search)
  switch (route.view) {
    case 'image':
      return (
        <ImageContentsPage
          key={`${route.repositoryName}@${route.ref}`}
          repositoryName={route.repositoryName}
          reference={route.ref}
          layer={route.layer}
          only={route.only}
          select={route.select}
        />
      )
    case 'layer':
      return (
        <LayerView
          key={route.layer.digest}
          repositoryName={route.repositoryName}
          layer={route.layer}
          image={route.image}
        />
      )
    case 'diff':
      return (
        <DiffView
          repositoryName={route.repositoryName}
          from={route.from}
          to={route.to}
          path={route.path}
          file={route.file}
        />
      )
    default:
      return <Invalid />
  }
}

function Invalid() {
  usePageReady(true)
  return (
    <main className="contents-page">
      <h1>Page not found</h1>
      <p>
        <Link to="/">All repositories</Link>
      </p>
    </main>
  )
}
