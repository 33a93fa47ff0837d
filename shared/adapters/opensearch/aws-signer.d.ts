// Types for the SigV4 signer factory of the client package, which ships it untyped. It is the
// factory the package's own `AwsSigv4Signer` is made with, minus the default credential chain
// that `AwsSigv4Signer` loads (and so pulls into every bundle): callers pass `getCredentials`.
declare module '@opensearch-project/opensearch/lib/aws/shared.js' {
  import type { AwsSigv4Signer } from '@opensearch-project/opensearch/aws-v3';

  export function giveAwsV4Signer(
    loadDefaultCredentials: () => Promise<never>,
  ): typeof AwsSigv4Signer;
}
