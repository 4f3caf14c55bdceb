import { useNavigate } from 'react-router'
import type { ImageSummary } from '../../../../shared/models/image'
import { FindingsPanel } from './findings-panel'

interface FindingsTabProps {
  repositoryName: string
  imageDigest: string
  manifestDigest: string | null
  layers: readonly { digest: string }[]
  /** The image's DescribeImages entry, for comparing with a newer tag. */
  summary: ImageSummary | undefined
  param: (name: string) => string | null
  tabHref: (tab: string, params?: Record<string, string | number | null>) => string
}

/**
 * The image page's Findings tab: its URL state (`finding`, `findingsLayer`, `findingsWith`) kept
 * in the tab's href.
 */
export function FindingsTab({ param, tabHref, ...props }: FindingsTabProps) {
  const navigate = useNavigate()
  const setParam = (name: string, value: string | null) => {
    const params = {
      finding: param('finding'),
      findingsLayer: param('findingsLayer'),
      findingsWith: param('findingsWith'),
    }
    void navigate(tabHref('findings', { ...params, [name]: value }))
  }
  return <FindingsPanel {...props} param={param} setParam={setParam} />
}
