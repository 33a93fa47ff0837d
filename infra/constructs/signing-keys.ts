import { Stack } from 'aws-cdk-lib';
import { Effect, type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { KMS_ISSUER_TAG } from '#shared/adapters/kms/kms-key-vault.ts';
import { KMS_KEY_SPECS } from '#shared/adapters/kms/kms-signer.ts';
import type { KeyAccess } from '../function-catalog.ts';
import { acknowledge } from '../nag.ts';
import type { StageSettings } from '../stages.ts';

/** The tag the vault puts on every key with the stage's name (functions/config.ts STAGE). */
export const KMS_STAGE_TAG = 'credstack:stage';

export interface SigningKeysProps {
  readonly stage: StageSettings;
}

const SPECS = Object.values(KMS_KEY_SPECS);

/**
 * Issuer signing keys are not part of the template: the service creates one asymmetric
 * SIGN_VERIFY KMS key per issuer and algorithm at onboarding and at every rotation, tagged
 * `credstack:issuer=<id>` and `credstack:stage=<stage>`, with an alias under
 * `alias/credstack/<stage>/`. Keys keep the default key policy, which defers to IAM, and this
 * construct writes the IAM side: who may create such keys, and who may sign with them, both
 * scoped by those tags to this stage's issuer keys.
 *
 * @example
 * const keys = new SigningKeys(this, 'signing-keys', { stage });
 * keys.grant(issuanceFunction, 'sign');
 */
export class SigningKeys extends Construct {
  /** `KMS_ALIAS_PREFIX` of the functions. */
  readonly aliasPrefix: string;
  readonly stageTag: string;

  constructor(scope: Construct, id: string, props: SigningKeysProps) {
    super(scope, id);
    this.aliasPrefix = `credstack/${props.stage.name}`;
    this.stageTag = props.stage.name;
  }

  #arn(resource: string): string {
    const stack = Stack.of(this);
    return `arn:${stack.partition}:kms:${stack.region}:${stack.account}:${resource}`;
  }

  /** Conditions that hold only for issuer keys of this stage. */
  #ofThisStage(extra: Record<string, unknown> = {}): Record<string, Record<string, unknown>> {
    return {
      StringEquals: { [`aws:ResourceTag/${KMS_STAGE_TAG}`]: this.stageTag, ...extra },
      Null: { [`aws:ResourceTag/${KMS_ISSUER_TAG}`]: 'false' },
    };
  }

  /**
   * `sign`: Sign and GetPublicKey with issuer keys of this stage, with the algorithms the
   * signer uses. `manage`: create such keys (spec, usage and tags enforced), tag them at
   * creation, name them under the stage's alias prefix, read their public keys, and schedule
   * the deletion of one whose alias failed. Neither may sign with anything else.
   *
   * @example
   * keys.grant(onboardingFunction, 'manage');
   */
  grant(grantee: IGrantable, access: Exclude<KeyAccess, 'none'>): void {
    const principal = grantee.grantPrincipal;
    // Findings land on the role's policy, so that is where they are acknowledged.
    const role = Construct.isConstruct(principal) ? principal : this;
    const keys = this.#arn('key/*');
    const add = (statement: PolicyStatement) => principal.addToPrincipalPolicy(statement);
    if (access === 'sign') {
      add(
        new PolicyStatement({
          sid: 'SignWithIssuerKeysOfThisStage',
          actions: ['kms:Sign'],
          resources: [keys],
          conditions: this.#ofThisStage({
            'kms:SigningAlgorithm': SPECS.map((spec) => spec.signingAlgorithm),
          }),
        }),
      );
      add(
        new PolicyStatement({
          sid: 'ReadPublicKeysOfIssuerKeysOfThisStage',
          actions: ['kms:GetPublicKey'],
          resources: [keys],
          conditions: this.#ofThisStage(),
        }),
      );
      acknowledge(
        role,
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kms:<AWS::Region>:<AWS::AccountId>:key/*]',
        'issuer keys are created at run time, one per issuer and algorithm; Sign and GetPublicKey are limited by condition to keys tagged with an issuer and this stage, and to the signer’s algorithms',
      );
      return;
    }
    add(
      new PolicyStatement({
        sid: 'CreateIssuerKeysOfThisStage',
        actions: ['kms:CreateKey'],
        resources: ['*'],
        conditions: {
          StringEquals: {
            'kms:KeyUsage': 'SIGN_VERIFY',
            'kms:KeySpec': SPECS.map((spec) => spec.keySpec),
            [`aws:RequestTag/${KMS_STAGE_TAG}`]: this.stageTag,
          },
          'ForAllValues:StringEquals': { 'aws:TagKeys': [KMS_ISSUER_TAG, KMS_STAGE_TAG] },
          Null: { [`aws:RequestTag/${KMS_ISSUER_TAG}`]: 'false' },
        },
      }),
    );
    // KMS authorizes the tags of CreateKey as TagResource on keys in general, never one key.
    add(
      new PolicyStatement({
        sid: 'TagIssuerKeysOfThisStageAtCreation',
        actions: ['kms:TagResource'],
        resources: [keys],
        conditions: {
          StringEquals: { [`aws:RequestTag/${KMS_STAGE_TAG}`]: this.stageTag },
          'ForAllValues:StringEquals': { 'aws:TagKeys': [KMS_ISSUER_TAG, KMS_STAGE_TAG] },
        },
      }),
    );
    // ...and so may not re-tag a key that already belongs to another stage.
    add(
      new PolicyStatement({
        sid: 'NeverRetagKeysOfOtherStages',
        effect: Effect.DENY,
        actions: ['kms:TagResource', 'kms:UntagResource'],
        resources: [keys],
        conditions: {
          Null: { [`aws:ResourceTag/${KMS_STAGE_TAG}`]: 'false' },
          StringNotEquals: { [`aws:ResourceTag/${KMS_STAGE_TAG}`]: this.stageTag },
        },
      }),
    );
    // The alias and the public key are needed right after CreateKey, before a new key's tags
    // are visible to authorization; neither gives signing power, so they are not tag-scoped.
    add(
      new PolicyStatement({
        sid: 'NameIssuerKeysUnderTheStagePrefix',
        actions: ['kms:CreateAlias'],
        resources: [this.#arn(`alias/${this.aliasPrefix}/*`), keys],
      }),
    );
    add(
      new PolicyStatement({
        sid: 'ReadPublicKeysOfNewIssuerKeys',
        actions: ['kms:GetPublicKey'],
        resources: [keys],
      }),
    );
    add(
      new PolicyStatement({
        sid: 'DeleteIssuerKeysOfThisStageWhoseAliasFailed',
        actions: ['kms:ScheduleKeyDeletion'],
        resources: [keys],
        conditions: this.#ofThisStage(),
      }),
    );
    acknowledge(
      role,
      'AwsSolutions-IAM5[Resource::*]',
      'kms:CreateKey has no resource to name; it is limited by condition to SIGN_VERIFY keys of the signer’s key specs, tagged with an issuer and this stage',
    );
    acknowledge(
      role,
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kms:<AWS::Region>:<AWS::AccountId>:key/*]',
      'issuer keys are created at run time; tagging is limited to this stage’s tags, deletion to keys of this stage, and the rest (alias, public key) gives no signing power',
    );
    acknowledge(
      role,
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kms:<AWS::Region>:<AWS::AccountId>:alias/${this.aliasPrefix}/*]`,
      'aliases are created at run time, one per issuer key, all under the stage’s alias prefix',
    );
  }
}
