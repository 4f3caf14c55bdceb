import {
  DescribeRegistryCommand,
  DescribeRepositoriesCommand,
  type ECRClient,
  type Repository as EcrRepository,
} from '@aws-sdk/client-ecr'
import { AppErrorException } from '../../../shared/ipc/result'
import type { Page, Repository } from '../../../shared/models/repository'

/** ECR read calls, turned into the plain data types that cross IPC. */
export class EcrService {
  constructor(private readonly client: () => Promise<ECRClient>) {}

  /** Fetches one page of DescribeRepositories. */
  async listRepositories(request: {
    registryId?: string
    nextToken?: string
    maxResults?: number
  }): Promise<Page<Repository>> {
    const client = await this.client()
    const out = await client.send(
      new DescribeRepositoriesCommand({
        registryId: request.registryId,
        nextToken: request.nextToken,
        maxResults: request.maxResults ?? 1000,
      }),
    )
    return { items: (out.repositories ?? []).map(toRepository), nextToken: out.nextToken ?? null }
  }

  /** Describes one repository by name. */
  async describeRepository(request: {
    registryId?: string
    repositoryName: string
  }): Promise<Repository> {
    const client = await this.client()
    const out = await client.send(
      new DescribeRepositoriesCommand({
        registryId: request.registryId,
        repositoryNames: [request.repositoryName],
      }),
    )
    const found = out.repositories?.[0]
    if (!found) {
      throw new AppErrorException({
        code: 'RepositoryNotFound',
        message: `The repository "${request.repositoryName}" does not exist in this registry.`,
      })
    }
    return toRepository(found)
  }

  /** Returns the registry (account) ID of the credentials in use. */
  async describeRegistry(): Promise<{ registryId: string }> {
    const client = await this.client()
    const out = await client.send(new DescribeRegistryCommand({}))
    return { registryId: out.registryId ?? '' }
  }
}

function toRepository(repo: EcrRepository): Repository {
  return {
    repositoryName: repo.repositoryName ?? '',
    repositoryArn: repo.repositoryArn ?? '',
    repositoryUri: repo.repositoryUri ?? '',
    registryId: repo.registryId ?? '',
    createdAt: repo.createdAt ? repo.createdAt.toISOString() : null,
    imageTagMutability: repo.imageTagMutability ?? 'MUTABLE',
    scanOnPush: repo.imageScanningConfiguration?.scanOnPush ?? false,
    encryptionType: repo.encryptionConfiguration?.encryptionType ?? null,
  }
}
