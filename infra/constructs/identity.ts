import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  AccountRecovery,
  CfnUserPoolGroup,
  FeaturePlan,
  Mfa,
  UserPool,
  type UserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { ROLES } from '#shared/service/principal.ts';
import { acknowledge } from '../nag.ts';
import type { StageSettings } from '../stages.ts';

/** An OIDC provider the service trusts instead of its own user pool. */
export interface ExternalOidc {
  /** `iss` exactly as the provider writes it (https). */
  readonly issuer: string;
  /** Expected `aud` (or `client_id`). */
  readonly audience: string;
  /** Default `<issuer>/.well-known/jwks.json`. */
  readonly jwksUrl?: string;
}

export interface IdentityProps {
  readonly stage: StageSettings;
  /** Trust this provider; without it the stack creates a Cognito user pool. */
  readonly external?: ExternalOidc;
}

/**
 * Who signs the bearer tokens: a Cognito user pool by default (one group per credstack role,
 * so `cognito:groups` carries the roles), or an external OIDC provider given by context. The
 * API Gateway JWT authorizer and the functions check tokens against the same issuer and
 * audience.
 *
 * @example
 * const identity = new Identity(this, 'identity', { stage });
 * identity.issuer; // https://cognito-idp.<region>.amazonaws.com/<pool id>
 */
export class Identity extends Construct {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUrl?: string;
  readonly userPool?: UserPool;
  readonly client?: UserPoolClient;

  constructor(scope: Construct, id: string, props: IdentityProps) {
    super(scope, id);
    if (props.external) {
      this.issuer = props.external.issuer;
      this.audience = props.external.audience;
      if (props.external.jwksUrl !== undefined) this.jwksUrl = props.external.jwksUrl;
      return;
    }
    const { stage } = props;
    const pool = new UserPool(this, 'users', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: stage.requireMfa ? Mfa.REQUIRED : Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.ESSENTIALS,
      deletionProtection: stage.retainData,
      removalPolicy: stage.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    for (const role of ROLES) {
      new CfnUserPoolGroup(this, `group-${role}`, {
        userPoolId: pool.userPoolId,
        groupName: role,
        description: `credstack role ${role}`,
      });
    }
    this.client = pool.addClient('api-client', {
      // SRP for applications; plain password sign-in (over TLS) so an operator can get a
      // token with the AWS CLI (README, "Deploy to AWS").
      authFlows: { userSrp: true, userPassword: true },
      generateSecret: false,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
      preventUserExistenceErrors: true,
    });
    this.userPool = pool;
    this.issuer = pool.userPoolProviderUrl;
    this.audience = this.client.userPoolClientId;
    if (!stage.requireMfa)
      acknowledge(
        pool,
        'AwsSolutions-COG2',
        `MFA is offered but optional in the ${stage.name} stage; production requires TOTP`,
      );
    const essentials =
      'threat protection needs the Cognito Plus plan; accounts are created by administrators only (no self sign-up) with a strong password policy and MFA';
    acknowledge(pool, 'AwsSolutions-COG3', essentials);
    acknowledge(pool, 'AwsSolutions-COG8', essentials);
  }
}
