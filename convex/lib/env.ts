/**
 * Reading the deployment's environment: the variables declared in
 * `convex/lib/envVars.ts`, through the typed `env` of `_generated/server`
 * (never `process.env`, which no push checks).
 */
import { env } from "../_generated/server";
import { ENV_VARS, SECRET_ENV_VARS, type EnvVarName } from "./envVars";

export type DeploymentEnv = Partial<Record<EnvVarName, string>>;

/** The declared variables that are set (blank values count as unset). */
export function readDeploymentEnv(source: Partial<Record<EnvVarName, string | undefined>> = env): DeploymentEnv {
  const result: DeploymentEnv = {};
  for (const name of Object.keys(ENV_VARS) as EnvVarName[]) {
    const value = source[name]?.trim();
    if (value) result[name] = value;
  }
  return result;
}

/** The values of the secret variables that are set. */
export function secretValues(deployment: DeploymentEnv = readDeploymentEnv()): string[] {
  return SECRET_ENV_VARS.flatMap((name) => (deployment[name] ? [deployment[name]] : []));
}
