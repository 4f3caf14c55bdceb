import { AwsError, validationError } from '../aws-error'
import type { JsonObject } from './types'

// The service deserializer rejects wrong JSON types before any validation runs.
function serializationError(kind: string, target: string): AwsError {
  return new AwsError('SerializationException', `${kind} can not be converted to ${target}`)
}

function jsonKind(value: unknown): string {
  if (value === null) return 'NULL_VALUE'
  if (Array.isArray(value)) return 'START_ARRAY'
  if (typeof value === 'object') return 'START_OBJECT'
  if (typeof value === 'string') return 'STRING_VALUE'
  if (typeof value === 'number') return 'NUMBER_VALUE'
  return 'BOOLEAN_VALUE'
}

/** Reads an optional integer member; null counts as absent, as in AWS's JSON protocol. */
export function optionalInteger(input: JsonObject, key: string): number | undefined {
  const value = input[key]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw serializationError(jsonKind(value), 'an Integer')
  }
  return value
}

/** Reads an optional string member. */
export function optionalString(input: JsonObject, key: string): string | undefined {
  const value = input[key]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') throw serializationError(jsonKind(value), 'a String')
  return value
}

/** Reads an optional list-of-strings member. */
export function optionalStringList(input: JsonObject, key: string): string[] | undefined {
  const value = input[key]
  if (value === undefined || value === null) return undefined
  if (!Array.isArray(value)) throw serializationError(jsonKind(value), 'a List')
  return value.map((item: unknown) => {
    if (typeof item !== 'string') throw serializationError(jsonKind(item), 'a String')
    return item
  })
}

/** Reads an optional structure member. */
export function optionalObject(input: JsonObject, key: string): JsonObject | undefined {
  const value = input[key]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw serializationError(jsonKind(value), 'a Structure')
  }
  return value as JsonObject
}

/** Reads an optional list-of-structures member. */
export function optionalObjectList(input: JsonObject, key: string): JsonObject[] | undefined {
  const value = input[key]
  if (value === undefined || value === null) return undefined
  if (!Array.isArray(value)) throw serializationError(jsonKind(value), 'a List')
  return value.map((item: unknown) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw serializationError(jsonKind(item), 'a Structure')
    }
    return item as JsonObject
  })
}

/** Collects constraint violations and reports them all at once, as Coral does. */
export class Constraints {
  private readonly problems: string[] = []

  /** Requires a member the model marks as required. */
  required(path: string, value: unknown): this {
    if (value === undefined) {
      this.problems.push(
        `Value null at '${path}' failed to satisfy constraint: Member must not be null`,
      )
    }
    return this
  }

  /** Requires one of the model's enum values when the value is present. */
  oneOf(path: string, value: string | undefined, allowed: readonly string[]): this {
    if (value !== undefined && !allowed.includes(value)) {
      this.fail(value, path, `Member must satisfy enum value set: [${allowed.join(', ')}]`)
    }
    return this
  }

  /** Requires `min <= value <= max` when the value is present. */
  range(path: string, value: number | undefined, min: number, max: number): this {
    if (value === undefined) return this
    if (value < min)
      this.fail(value, path, `Member must have value greater than or equal to ${min}`)
    else if (value > max)
      this.fail(value, path, `Member must have value less than or equal to ${max}`)
    return this
  }

  /** Requires a string or list length within bounds when the value is present. */
  length(
    path: string,
    value: string | readonly unknown[] | undefined,
    min: number,
    max: number,
  ): this {
    if (value === undefined) return this
    const shown = typeof value === 'string' ? value : `[${value.join(', ')}]`
    if (value.length < min) {
      this.fail(shown, path, `Member must have length greater than or equal to ${min}`)
    } else if (value.length > max) {
      this.fail(shown, path, `Member must have length less than or equal to ${max}`)
    }
    return this
  }

  /** Requires the whole string to match the model's pattern when the value is present. */
  pattern(path: string, value: string | undefined, pattern: string): this {
    if (value === undefined) return this
    if (!new RegExp(`^(?:${pattern})$`).test(value)) {
      this.fail(value, path, `Member must satisfy regular expression pattern: ${pattern}`)
    }
    return this
  }

  /** Throws InvalidParameterException listing every violation, if there were any. */
  check(): void {
    if (this.problems.length > 0) throw validationError(this.problems)
  }

  private fail(value: unknown, path: string, constraint: string): void {
    this.problems.push(
      `Value '${String(value)}' at '${path}' failed to satisfy constraint: ${constraint}`,
    )
  }
}

/** ECR's documented patterns, copied from the service model. */
export const PATTERNS = {
  registryId: '[0-9]{12}',
  repositoryName: '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*',
  layerDigest: '[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+',
  pullThroughCacheRuleRepositoryPrefix: '[a-z0-9]+(?:[._-][a-z0-9]+)*',
} as const
