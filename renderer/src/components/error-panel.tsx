import type { UseMutationResult } from '@tanstack/react-query'
import { useId } from 'react'
import type { ReactNode } from 'react'
import { describeError } from '../../../shared/errors'
import { thrownAppError } from '../api/ecr'
import { RichText } from './rich-text'
import './error-panel.css'

interface ErrorPanelProps {
  error: unknown
  /** Shown as a "Retry" button when given. */
  onRetry?: () => void
  /** Disables Retry while the retry is running. */
  retrying?: boolean
  /** A way on besides Retry, first in the row: back to where the missing thing was listed. */
  actions?: ReactNode
}

/** Any error, explained through the catalog in shared/errors.ts, with a retry and the raw details. */
export function ErrorPanel({ error, onRetry, retrying = false, actions }: ErrorPanelProps) {
  const appError = thrownAppError(error)
  const { title, explanation, nextStep } = describeError(appError)
  const titleId = useId()
  return (
    <section className="error-panel" role="alert" aria-labelledby={titleId}>
      <h2 id={titleId}>{title}</h2>
      <p>
        <RichText text={explanation} />
      </p>
      <p className="next-step">
        <RichText text={nextStep} />
      </p>
      {(onRetry || actions) && (
        <div className="actions">
          {actions}
          {onRetry && (
            <button type="button" onClick={onRetry} disabled={retrying}>
              Retry
            </button>
          )}
        </div>
      )}
      <details>
        <summary>Details</summary>
        <dl className="facts">
          <dt>Code</dt>
          <dd>
            <code>{appError.code}</code>
          </dd>
          {appError.awsName && (
            <>
              <dt>AWS name</dt>
              <dd>
                <code>{appError.awsName}</code>
              </dd>
            </>
          )}
          {appError.action && (
            <>
              <dt>Action</dt>
              <dd>
                <code>{appError.action}</code>
              </dd>
            </>
          )}
          {appError.resource && (
            <>
              <dt>Resource</dt>
              <dd>
                <code>{appError.resource}</code>
              </dd>
            </>
          )}
          <dt>Message</dt>
          <dd className="message">{appError.message}</dd>
        </dl>
      </details>
    </section>
  )
}

/** A mutation's error, if its last call failed, with a Retry that repeats that call. */
export function MutationErrorPanel<TData, TError, TVariables, TContext>({
  mutation,
}: {
  mutation: UseMutationResult<TData, TError, TVariables, TContext>
}) {
  if (!mutation.isError) return null
  return (
    <ErrorPanel
      error={mutation.error}
      retrying={mutation.isPending}
      onRetry={() => {
        if (mutation.variables !== undefined) mutation.mutate(mutation.variables)
      }}
    />
  )
}
