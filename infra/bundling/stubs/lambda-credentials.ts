/**
 * Stands in for `@aws-sdk/credential-provider-node` in Lambda bundles. The default chain tries
 * environment variables, SSO, shared ini files, process credentials, web identity and the
 * instance metadata service, and bundles STS and SSO clients to do it (about 140 KB minified).
 * In Lambda the execution role's credentials are always in the environment, so the first link
 * of the chain is the only one ever used: this module is that link and nothing else.
 */

interface LambdaCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/**
 * Same shape as the SDK's `defaultProvider`: a function returning a credential provider.
 *
 * @example
 * const credentials = await defaultProvider()();
 */
export function defaultProvider(): () => Promise<LambdaCredentials> {
  return async () => {
    // The SDK's own provider reads the same variables; the Lambda runtime sets all three.
    const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN } = process.env;
    if (!AWS_ACCESS_KEY_ID || !AWS_SECRET_ACCESS_KEY) {
      throw Object.assign(
        new Error(
          'no AWS credentials in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)',
        ),
        { name: 'CredentialsProviderError' },
      );
    }
    return {
      accessKeyId: AWS_ACCESS_KEY_ID,
      secretAccessKey: AWS_SECRET_ACCESS_KEY,
      ...(AWS_SESSION_TOKEN ? { sessionToken: AWS_SESSION_TOKEN } : {}),
    };
  };
}
