import { describe, expect, it } from 'vitest'
import { AppErrorException } from '../../../shared/ipc/result'
import { toAppError } from '../ipc/to-app-error'
import { aws, awsError } from './aws-errors'

const sdkError = (name: string, message: string, fault: 'client' | 'server' = 'client') =>
  Object.assign(new Error(message), { name, $metadata: {}, $fault: fault })

describe('awsError: the one map from AWS errors to the catalog', () => {
  it('maps by name, keeping the AWS name, and reads the missing action out of AccessDenied', () => {
    expect(awsError(sdkError('RepositoryNotFoundException', 'nope'))).toEqual({
      message: 'nope',
      code: 'RepositoryNotFound',
      awsName: 'RepositoryNotFoundException',
    })
    expect(
      awsError(
        sdkError(
          'AccessDeniedException',
          'User: arn:x is not authorized to perform: ecr:DescribeImages on resource: arn:repo',
        ),
      ),
    ).toMatchObject({ code: 'AccessDenied', action: 'ecr:DescribeImages', resource: 'arn:repo' })
  })

  it('maps network failures, unknown server faults and anything else', () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })
    expect(awsError(reset).code).toBe('NetworkUnreachable')
    expect(awsError(sdkError('SomethingNew', 'x', 'server')).code).toBe('ServerException')
    expect(awsError(sdkError('constructor', 'x')).code).toBe('Unknown')
    expect(awsError('a string').code).toBe('Unknown')
  })
})

describe('aws(): services throw catalog errors', () => {
  it('throws the mapped catalog error, and passes a catalog error on as it is', async () => {
    const mapped = await aws(Promise.reject(sdkError('ThrottlingException', 'slow down'))).catch(
      (e: unknown) => e,
    )
    expect(mapped).toBeInstanceOf(AppErrorException)
    expect((mapped as AppErrorException).error).toMatchObject({ code: 'Throttling' })
    const own = new AppErrorException({ code: 'LayersNotFound', message: 'gone' })
    await expect(aws(Promise.reject(own))).rejects.toBe(own)
    expect(await aws(Promise.resolve(42))).toBe(42)
  })

  it('is what the dispatcher adds the profile and region to', () => {
    const error = new AppErrorException(awsError(sdkError('ExpiredTokenException', 'expired')))
    expect(toAppError(error, { profile: 'dev', region: 'eu-west-1' })).toMatchObject({
      code: 'ExpiredToken',
      profile: 'dev',
      region: 'eu-west-1',
    })
  })
})
