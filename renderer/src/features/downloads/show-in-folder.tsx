import { useQuery } from '@tanstack/react-query'
import { capabilitiesQuery, useShowInFolder } from '../../api/downloads'
import { CopyButton } from '../../components/copy-button'
import { ErrorPanel } from '../../components/error-panel'

/** What a browser tab says where the desktop app would open the file manager. */
export const NO_FILE_MANAGER =
  'A browser tab can’t open your file manager; the file is at the path shown.'

/**
 * "Show in folder" for a saved file. Where the shell has no file manager (the web bridge), it says
 * so and offers to copy the path instead of a button that does nothing.
 */
export function ShowInFolder({ path, describedBy }: { path: string; describedBy?: string }) {
  const capabilities = useQuery(capabilitiesQuery())
  const show = useShowInFolder()
  if (capabilities.data?.showInFolder === false) {
    return (
      <>
        <span className="no-desktop">{NO_FILE_MANAGER}</span>
        <CopyButton text={path} label="Copy path" />
      </>
    )
  }
  return (
    <>
      <button
        type="button"
        className="small"
        aria-describedby={describedBy}
        onClick={() => show.mutate(path)}
      >
        Show in folder
      </button>
      {show.isError && <ErrorPanel error={show.error} />}
    </>
  )
}
