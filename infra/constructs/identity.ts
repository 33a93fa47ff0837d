import { Aws, Duration, Lazy, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AccountRecovery,
  type CfnUserPoolClient,
  CfnUserPoolGroup,
  FeaturePlan,
  Mfa,
  OAuthScope,
  UserPool,
  type UserPoolClient,
  UserPoolClientIdentityProvider,
  type UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { ROLES } from '#shared/domain/principal.ts';
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
  /** The web app's client id at this provider (a public client, code + PKCE). */
  readonly webClientId?: string;
}

/** Where the web app signs in (its `/app-config.json` `oidc` part, less the app's own URLs). */
export interface WebSignIn {
  /** The OIDC authority (issuer) the app discovers endpoints from. */
  readonly authority: string;
  readonly clientId: string;
  /** Origins the browser calls during sign-in (CSP connect-src): discovery, token, logout. */
  readonly origins: readonly string[];
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
  /** The web app's client, once {@link addWebApp} made one (Cognito only). */
  webClient?: UserPoolClient;
  /** The hosted sign-in domain the web client uses (Cognito only). */
  domain?: UserPoolDomain;
  readonly #external?: ExternalOidc;
  readonly #audiences: string[] = [];

  constructor(scope: Construct, id: string, props: IdentityProps) {
    super(scope, id);
    if (props.external) {
      this.issuer = props.external.issuer;
      this.audience = props.external.audience;
      this.#audiences.push(this.audience);
      this.#external = props.external;
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
      // No browser redirects: the web app signs in through its own client (addWebApp).
      disableOAuth: true,
      generateSecret: false,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
      preventUserExistenceErrors: true,
    });
    this.userPool = pool;
    this.issuer = pool.userPoolProviderUrl;
    this.audience = this.client.userPoolClientId;
    this.#audiences.push(this.audience);
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

  /**
   * Every audience the API accepts: the API client's, and the web app's client once added.
   * Resolved at synthesis, so the authorizer and the functions see the web client too.
   */
  get audiences(): string[] {
    return Lazy.list({ produce: () => [...this.#audiences] });
  }

  /** {@link audiences} as one comma-separated value (the functions' OIDC_AUDIENCE). */
  get audienceList(): string {
    return Lazy.string({ produce: () => this.#audiences.join(',') });
  }

  /**
   * Lets the web app at `origin` sign users in. With the user pool: a public app client
   * (authorization code; the app always sends a PKCE challenge) redirecting to
   * `<origin>/auth/callback`, and a Cognito domain for the hosted sign-in. With an external
   * provider: the client id given by context (`-c webClientId`), else the API audience.
   *
   * @example
   * const signIn = identity.addWebApp(`https://${distribution.distributionDomainName}`);
   */
  addWebApp(origin: string): WebSignIn {
    if (this.#external !== undefined) {
      const issuerOrigin = new URL(this.#external.issuer).origin;
      return {
        authority: this.#external.issuer,
        clientId: this.#external.webClientId ?? this.#external.audience,
        origins: [issuerOrigin],
      };
    }
    const pool = this.userPool!;
    this.domain = pool.addDomain('sign-in', {
      // Cognito domain prefixes are global: the account id keeps this one unique.
      cognitoDomain: { domainPrefix: `${Stack.of(this).stackName}-${Aws.ACCOUNT_ID}` },
    });
    this.webClient = pool.addClient('web-client', {
      // A browser app keeps no secret; the code is bound to the app by PKCE.
      generateSecret: false,
      authFlows: {},
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.PROFILE, OAuthScope.EMAIL],
        callbackUrls: [`${origin}/auth/callback`],
        logoutUrls: [`${origin}/`],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      // Short-lived: an expired session shows within the quarter hour.
      accessTokenValidity: Duration.minutes(15),
      idTokenValidity: Duration.minutes(15),
      refreshTokenValidity: Duration.hours(12),
      enableTokenRevocation: true,
      preventUserExistenceErrors: true,
    });
    // Unset, Cognito would allow SRP and custom sign-in with this client too: the app signs in
    // only through the hosted pages (code flow) and renews with its refresh token.
    (this.webClient.node.defaultChild as CfnUserPoolClient).explicitAuthFlows = [
      'ALLOW_REFRESH_TOKEN_AUTH',
    ];
    this.#audiences.push(this.webClient.userPoolClientId);
    return {
      authority: this.issuer,
      clientId: this.webClient.userPoolClientId,
      origins: [
        `https://cognito-idp.${Stack.of(this).region}.amazonaws.com`,
        this.domain.baseUrl(),
      ],
    };
  }
}
