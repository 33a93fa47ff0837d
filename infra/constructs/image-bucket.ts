import { type CfnElement, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type IBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { ImageAccess } from '../function-catalog.ts';
import { acknowledge } from '../nag.ts';
import type { StageSettings } from '../stages.ts';

export interface ImageBucketProps {
  readonly stage: StageSettings;
  /** Where the bucket's server access logs go (the web app's log bucket). */
  readonly logs: IBucket;
}

/**
 * The uploaded badge images (shared/adapters/s3/image-store.ts): a private bucket the
 * public-read function serves from, never S3 itself, so no one reaches it but the two functions
 * granted here. Objects are named by their content's hash and never rewritten; they are kept
 * as long as the stage keeps data, since issued credentials point at them.
 *
 * @example
 * const images = new ImageBucket(this, 'images', { stage, logs: web.logs });
 * images.grant(fn, 'read');
 */
export class ImageBucket extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: ImageBucketProps) {
    super(scope, id);
    const { stage } = props;
    this.bucket = new Bucket(this, 'bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: props.logs,
      serverAccessLogsPrefix: 's3-images/',
      // Versions guard against a deletion by mistake where the stage keeps its data.
      versioned: stage.retainData,
      removalPolicy: stage.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
  }

  /**
   * `read`: GetObject on the image keys, and ListBucket so that a missing image is a 404 from
   * S3 rather than a 403 indistinguishable from a denial. `read-write`: PutObject as well. No
   * function may delete an image: issued credentials point at them.
   *
   * @example
   * images.grant(fn, 'read-write');
   */
  grant(grantee: IGrantable, access: Exclude<ImageAccess, 'none'>): void {
    const principal = grantee.grantPrincipal;
    // Findings land on the role's policy, so that is where they are acknowledged.
    const role = Construct.isConstruct(principal) ? principal : this;
    const objects = this.bucket.arnForObjects('images/*');
    principal.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'ReadUploadedImages',
        actions: ['s3:GetObject'],
        resources: [objects],
      }),
    );
    principal.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'TellMissingImagesApart',
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
      }),
    );
    if (access === 'read-write')
      principal.addToPrincipalPolicy(
        new PolicyStatement({
          sid: 'StoreUploadedImages',
          actions: ['s3:PutObject'],
          resources: [objects],
        }),
      );
    const bucketId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnElement);
    acknowledge(
      role,
      `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/images/*]`,
      'image keys are content hashes chosen at upload time, so no narrower resource exists; the grant is one object action on the images/ prefix of this bucket',
    );
  }
}
