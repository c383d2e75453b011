// Filling {{variables}} into the structured parts of a lab (check fields, commands) strictly,
// and into Markdown leniently: a text must still show when the cluster lacks a value, and it
// then says so in place. Pure.
import type { Say } from './say.ts';
import { type LabVars, isLabVariable, renderTemplate } from './vars.ts';

/** Renders every string inside a value; throws MissingVariableError like renderTemplate. */
export function renderDeep<T>(value: T, vars: LabVars): T {
  if (typeof value === 'string') return renderTemplate(value, vars) as T;
  if (Array.isArray(value)) return value.map((v) => renderDeep(v, vars)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderDeep(v, vars)])) as T;
  }
  return value;
}

export function renderLenient(text: string, vars: LabVars, say: Say): string {
  return text.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (whole, name: string) => {
    if (!isLabVariable(name)) return whole;
    return vars[name] ?? say(`⟨${name}: not available on this cluster⟩`, `⟨${name}：当前集群上没有该值⟩`);
  });
}

/** The variables a step needs that this cluster does not have. */
export function missingVars(required: readonly string[] | undefined, vars: LabVars): string[] {
  return (required ?? []).filter((v) => !isLabVariable(v) || vars[v] === null);
}

/** Like renderDeep, but never throws: for showing a structure on a cluster that lacks a value. */
export function renderDeepLenient<T>(value: T, vars: LabVars, say: Say): T {
  if (typeof value === 'string') return renderLenient(value, vars, say) as T;
  if (Array.isArray(value)) return value.map((v) => renderDeepLenient(v, vars, say)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderDeepLenient(v, vars, say)])) as T;
  }
  return value;
}
