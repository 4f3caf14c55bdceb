// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { describeError } from '../../../shared/errors'
import { AppErrorException } from '../../../shared/ipc/result'
import { ErrorPanel } from './error-panel'

afterEach(cleanup)

describe('ErrorPanel', () => {
  it('shows the catalog text for AccessDenied on ecr:DescribeRepositories', () => {
    const error = {
      code: 'AccessDenied' as const,
      message: 'not authorized to perform: ecr:DescribeRepositories',
      action: 'ecr:DescribeRepositories',
      awsName: 'AccessDeniedException',
    }
    const onRetry = vi.fn()
    render(<ErrorPanel error={new AppErrorException(error)} onRetry={onRetry} />)

    const alert = screen.getByRole('alert', { name: 'Access denied' })
    const catalog = describeError(error)
    expect(within(alert).getByRole('heading', { name: catalog.title })).toBeTruthy()
    expect(within(alert).getByText(catalog.explanation)).toBeTruthy()
    const code = alert.querySelector('.next-step code')
    expect(code?.textContent).toBe('ecr:DescribeRepositories')
    expect(alert.querySelector('.next-step')?.textContent).toBe(
      catalog.nextStep.replaceAll('`', ''),
    )

    fireEvent.click(within(alert).getByRole('button', { name: 'Retry' }))
    expect(onRetry).toHaveBeenCalledTimes(1)

    const details = alert.querySelector('details')
    expect(details?.querySelector('summary')?.textContent).toBe('Details')
    expect(within(details!).getByText('AccessDenied')).toBeTruthy()
    expect(within(details!).getByText('AccessDeniedException')).toBeTruthy()
    expect(within(details!).getByText(error.message)).toBeTruthy()
  })

  it('maps other errors to Unknown', () => {
    render(<ErrorPanel error={new TypeError('boom')} />)
    const alert = screen.getByRole('alert')
    expect(within(alert).getByRole('heading', { name: 'Something went wrong' })).toBeTruthy()
    expect(within(alert).getByText('Unknown')).toBeTruthy()
    expect(within(alert).queryByRole('button', { name: 'Retry' })).toBeNull()
  })
})
