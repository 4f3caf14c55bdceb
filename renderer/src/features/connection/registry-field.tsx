import { useId, useState } from 'react'
import type { FormEvent } from 'react'
import { registryIdSchema } from '../../../../shared/schemas'
import type { ConnectionState } from '../../../../shared/models/connection'
import type { useSetRegistry } from '../../api/mutations'

/** The text a registry ID field says is wrong with its value, or null when it is valid. */
export function registryIdProblem(value: string): string | null {
  const parsed = registryIdSchema.safeParse(value.trim())
  if (parsed.success) return null
  return `Registry ID ${parsed.error.issues[0]?.message ?? 'is not valid'}`
}

/**
 * Another account's registry: a 12-digit ID, applied with Enter. Clearing it returns to the
 * caller's own registry. Main remembers the choice per profile.
 */
export function RegistryField({
  connection,
  setRegistry,
}: {
  connection: ConnectionState
  setRegistry: ReturnType<typeof useSetRegistry>
}) {
  const [value, setValue] = useState(connection.registryId ?? '')
  const [problem, setProblem] = useState<string | null>(null)
  const inputId = useId()
  const problemId = useId()

  const submit = (event: FormEvent) => {
    event.preventDefault()
    const trimmed = value.trim()
    if (trimmed === '') {
      setProblem(null)
      if (connection.registryId !== null) setRegistry.mutate(null)
      return
    }
    const found = registryIdProblem(trimmed)
    setProblem(found)
    if (found === null && trimmed !== connection.registryId) setRegistry.mutate(trimmed)
  }

  return (
    <form className="registry-field" onSubmit={submit} noValidate>
      <label className="field" htmlFor={inputId}>
        Registry
      </label>
      <input
        id={inputId}
        type="text"
        inputMode="numeric"
        autoComplete="off"
        spellCheck={false}
        maxLength={12}
        placeholder="own account"
        title="Another account's registry ID (12 digits); press Enter to browse it"
        value={value}
        aria-invalid={problem !== null}
        aria-describedby={problem ? problemId : undefined}
        disabled={setRegistry.isPending}
        onChange={(event) => {
          setValue(event.target.value)
          if (problem) setProblem(null)
        }}
      />
      {connection.registryId !== null && (
        <button
          type="button"
          className="clear small"
          aria-label="Use my own registry"
          title="Use my own registry"
          disabled={setRegistry.isPending}
          onClick={() => {
            setValue('')
            setProblem(null)
            setRegistry.mutate(null)
          }}
        >
          ×
        </button>
      )}
      {problem && (
        <span id={problemId} className="field-error" role="alert">
          {problem}
        </span>
      )}
    </form>
  )
}
