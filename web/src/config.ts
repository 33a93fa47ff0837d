import { useEffect, useState } from 'preact/hooks';

/** What `/app-config.json` says: where the API is and how to sign in (local/web-static.ts). */
export interface AppConfig {
  readonly apiBase: string;
  readonly oidc: {
    readonly authority: string;
    readonly clientId: string;
    readonly redirectUri: string;
    readonly postLogoutRedirectUri: string;
    readonly scope: string;
  };
  /** Only the local runtime: demo users can sign in with the dev tokens it wrote. */
  readonly devTokens?: boolean;
}

let loaded: Promise<AppConfig> | undefined;

export function appConfig(): Promise<AppConfig> {
  loaded ??= fetch('/app-config.json', { headers: { accept: 'application/json' } }).then(
    async (response) => {
      if (!response.ok)
        throw new Error(`the app's configuration did not load (${response.status})`);
      return (await response.json()) as AppConfig;
    },
  );
  return loaded;
}

/** The configuration once loaded (undefined until then), for components. */
export function useConfig(): AppConfig | undefined {
  const [config, setConfig] = useState<AppConfig>();
  useEffect(() => {
    let live = true;
    appConfig().then(
      (loadedConfig) => live && setConfig(loadedConfig),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  return config;
}
