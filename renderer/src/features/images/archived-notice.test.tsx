// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { ArchivedNotice } from './archived-notice'

const digest = `sha256:${'a'.repeat(64)}`
afterEach(cleanup)

describe('ArchivedNotice', () => {
  it('explains archive and gives the restore command for an archived image', () => {
    render(
      <ArchivedNotice
        repositoryName="demo/archive"
        image={{ digest, imageStatus: 'ARCHIVED', lastArchivedAt: '2026-06-01T00:00:00.000Z' }}
      />,
    )
    const note = screen.getByRole('note', { name: 'Archived image' })
    expect(note.textContent).toContain('restored')
    expect(note.textContent).toContain('90 days')
    expect(note.textContent).toContain(
      `aws ecr update-image-storage-class --repository-name demo/archive --image-id imageDigest=${digest} --target-storage-class STANDARD`,
    )
    expect(screen.getByRole('button', { name: 'Copy the restore command' })).toBeTruthy()
  })

  it('says a restoring image will be usable once Active, and shows nothing for an active one', () => {
    const { rerender } = render(
      <ArchivedNotice
        repositoryName="demo/archive"
        image={{ digest, imageStatus: 'ACTIVATING', lastArchivedAt: null }}
      />,
    )
    expect(screen.getByRole('note').textContent).toContain('being restored')
    rerender(
      <ArchivedNotice
        repositoryName="demo/archive"
        image={{ digest, imageStatus: 'ACTIVE', lastArchivedAt: null }}
      />,
    )
    expect(screen.queryByRole('note')).toBeNull()
  })
})
