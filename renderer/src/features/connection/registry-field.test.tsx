// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ConnectionState } from '../../../../shared/models/connection'
import { awsConnection, giveTableAViewport } from '../../test/fake-ecr'
import { renderApp, waitForReady } from '../../test/render-app'
import { registryIdProblem } from './registry-field'

let restoreLayout: () => void
beforeEach(() => (restoreLayout = giveTableAViewport()))
afterEach(() => {
  cleanup()
  restoreLayout()
  delete window.ecr
})

describe('registryIdProblem', () => {
  it('accepts exactly 12 digits, with spaces around', () => {
    expect(registryIdProblem('210987654321')).toBeNull()
    expect(registryIdProblem(' 210987654321 ')).toBeNull()
    expect(registryIdProblem('21098765432')).toBe('Registry ID must be a 12-digit account ID')
    expect(registryIdProblem('21098765432a')).toBe('Registry ID must be a 12-digit account ID')
  })
})

describe('the Registry field', () => {
  function setup() {
    let connection: ConnectionState = awsConnection
    const ecr = renderApp('/', {
      'connection:get': () => connection,
      'connection:set-registry': ({ registryId }) => (connection = { ...connection, registryId }),
    })
    return ecr
  }

  it('says inline what is wrong and sends nothing', async () => {
    const ecr = setup()
    await waitForReady()
    const field = screen.getByRole('textbox', { name: 'Registry' })
    fireEvent.change(field, { target: { value: '12345' } })
    fireEvent.submit(field)
    const problem = await screen.findByText('Registry ID must be a 12-digit account ID')
    expect(field.getAttribute('aria-invalid')).toBe('true')
    expect(field.getAttribute('aria-describedby')).toBe(problem.id)
    expect(ecr.requests('connection:set-registry')).toEqual([])
    // Typing again clears the complaint.
    fireEvent.change(field, { target: { value: '123456' } })
    expect(screen.queryByText('Registry ID must be a 12-digit account ID')).toBeNull()
  })

  it('Enter browses another registry, and the clear button returns to the own one', async () => {
    const ecr = setup()
    await waitForReady()
    expect(ecr.requests('ecr:list-repositories')).toHaveLength(1)
    const field = screen.getByRole('textbox', { name: 'Registry' })
    fireEvent.change(field, { target: { value: '210987654321' } })
    fireEvent.submit(field)
    await waitFor(() =>
      expect(ecr.requests('connection:set-registry')).toEqual([{ registryId: '210987654321' }]),
    )
    expect(await screen.findByText('Browsing registry: 210987654321')).toBeTruthy()
    // Another registry is another list.
    await waitFor(() => expect(ecr.requests('ecr:list-repositories')).toHaveLength(2))
    expect(screen.getByRole<HTMLInputElement>('textbox', { name: 'Registry' }).value).toBe(
      '210987654321',
    )

    fireEvent.click(screen.getByRole('button', { name: 'Use my own registry' }))
    await waitFor(() =>
      expect(ecr.requests('connection:set-registry').at(-1)).toEqual({ registryId: null }),
    )
    await waitFor(() => expect(screen.queryByText(/Browsing registry/)).toBeNull())
    expect(screen.getByRole<HTMLInputElement>('textbox', { name: 'Registry' }).value).toBe('')
    expect(screen.queryByRole('button', { name: 'Use my own registry' })).toBeNull()
  })
})
