import { useNavigate } from 'react-router'
import { FindingsPanel } from './findings-panel'

interface FindingsTabProps {
  repositoryName: string
  imageDigest: string
  manifestDigest: string | null
  layers: readonly { digest: string }[]
  param: (name: string) => string | null
  tabHref: (tab: string, params?: Record<string, string | number | null>) => string
}

/** The image page's Findings tab: its URL state (`finding`, `findingsLayer`) kept in the tab's href. */
export function FindingsTab({ param, tabHref, ...props }: FindingsTabProps) {
  const navigate = useNavigate()
  const setParam = (name: string, value: string | null) => {
    const params = { finding: param('finding'), findingsLayer: param('findingsLayer') }
    void navigate(tabHref('findings', { ...params, [name]: value }))
  }
  return <FindingsPanel {...props} param={param} setParam={setParam} />
}
