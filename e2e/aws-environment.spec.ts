import { expect, launchBridge, openApp, test } from './fixtures'

// The same command a user runs, pointed through the standard AWS environment at an ECR endpoint
// (a demo registry the test owns, standing in for a real one).
test('lists the repositories of the endpoint in AWS_ENDPOINT_URL_ECR and shows who the user is', async ({
  page,
  registry,
  workDir,
}) => {
  const bridge = await launchBridge(workDir, {
    AWS_ACCESS_KEY_ID: registry.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: registry.credentials.secretAccessKey,
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL_ECR: registry.endpoint,
    AWS_ENDPOINT_URL_STS: registry.endpoint,
  })
  try {
    await openApp(page, bridge)
    await expect(page.getByRole('heading', { name: 'Welcome to ECR Layer Browser' })).toHaveCount(0)
    await expect(page.getByRole('status').filter({ hasText: '120 repositories' })).toBeVisible()
    await expect(page.getByText(registry.accountId).first()).toBeVisible()
    await expect(page.getByText(`arn:aws:iam::${registry.accountId}:user/demo`)).toBeVisible()
    await expect(page.getByRole('combobox', { name: 'Region' })).toHaveValue('us-east-1')
    expect(registry.requestCount('DescribeRepositories')).toBeGreaterThan(0)
  } finally {
    await bridge.stop()
  }
})

test('an identity without ecr:DescribeRepositories sees what to ask for', async ({
  page,
  registry,
  workDir,
}) => {
  registry.addCredentials({
    accessKeyId: 'AKIADENIEDE2E0000001',
    secretAccessKey: 'denied-secret',
    denyActions: ['ecr:DescribeRepositories'],
  })
  const bridge = await launchBridge(workDir, {
    AWS_ACCESS_KEY_ID: 'AKIADENIEDE2E0000001',
    AWS_SECRET_ACCESS_KEY: 'denied-secret',
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL_ECR: registry.endpoint,
  })
  try {
    await openApp(page, bridge)
    const alert = page.getByRole('alert')
    await expect(alert.getByRole('heading', { name: 'Access denied' })).toBeVisible()
    await expect(alert).toContainText('ecr:DescribeRepositories')
    await expect(alert.getByRole('button', { name: 'Retry' })).toBeVisible()
  } finally {
    await bridge.stop()
  }
})
