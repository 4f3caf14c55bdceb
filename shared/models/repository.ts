/** One ECR repository, as DescribeRepositories reports it. Dates are ISO 8601 strings. */
export interface Repository {
  repositoryName: string
  repositoryArn: string
  repositoryUri: string
  registryId: string
  createdAt: string | null
  imageTagMutability: string
  scanOnPush: boolean
  encryptionType: string | null
}

/** One page of a paginated ECR listing. */
export interface Page<T> {
  items: T[]
  nextToken: string | null
}
