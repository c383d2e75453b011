// What a request must look like, one zod schema per channel of electron/api.ts. The session
// checks every request against its channel's schema before the engine sees it, so a malformed
// frame from a tab (or a page that should not be talking to us at all) gets a clear refusal and
// never reaches engine code that trusts its types.
//
// The schemas are kept in step with the contract at compile time: for each channel the type a
// schema accepts must equal the contract's request type (the `InStep` check at the end). A field
// added to api.ts and not here, or the other way round, fails `tsc` on the line naming the channel.
//
// They are stricter than the types where the types cannot say it: integers, sizes, lengths, and
// no keys the contract does not name.
import { z } from 'zod';
import type { Channel, Failure, RequestOf } from '../api.ts';

/** Ids chosen by clients (opId, watchId) or by the engine (terminal session ids). */
const id = z.string().min(1).max(200);
const lang = z.enum(['en', 'zh']);

const settings = z.strictObject({
  name: z.string().max(253).optional(),
  lanAccess: z.boolean().optional(),
  hostAddress: z.string().max(253).optional(),
  nodeImage: z.string().max(1000).optional(),
  cni: z.enum(['calico', 'kube-router']).optional(),
  ingress: z.enum(['ingress-nginx', 'traefik']).optional(),
  imageCache: z.boolean().optional(),
});

const op = { opId: id.optional(), lang: lang.optional() };
const path = z.string().min(1).max(4096);
const size = z.number().int().min(1).max(10_000);

const watchTarget = z.strictObject({
  kind: z.enum(['nodes', 'pods', 'services', 'endpointslices', 'ingresses', 'networkpolicies', 'ipaddresspools']),
  namespace: z.string().max(253).optional(),
  labelSelector: z.string().max(4096).optional(),
});

export const REQUEST_SCHEMAS = {
  'app:info': z.void(),
  'doctor:run': z.strictObject({ settings: settings.optional(), lang: lang.optional() }),
  'config:kind': z.strictObject({ settings: settings.optional() }),
  'pools:compute': z.strictObject({ inspectJson: z.string().max(1 << 20).optional() }),
  'cluster:plan': z.strictObject({ settings: settings.optional() }),
  'cluster:status': z.strictObject({ settings: settings.optional(), lang: lang.optional() }),
  'cluster:up': z.strictObject({ ...op, settings: settings.optional() }),
  'cluster:down': z.strictObject({ ...op, settings: settings.optional() }),
  'cluster:reset': z.strictObject({ ...op, mode: z.enum(['fast', 'full']), settings: settings.optional() }),
  'op:cancel': z.strictObject({ opId: id }),
  'op:list': z.void(),
  'manifests:list': z.void(),
  'manifests:import': z.strictObject({ dir: path, lang: lang.optional() }),
  'cache:status': z.strictObject({ settings: settings.optional(), lang: lang.optional() }),
  'cache:warm': z.strictObject({ ...op, settings: settings.optional(), mode: z.enum(['proxy', 'local']).optional() }),
  'cache:clear': z.strictObject({ ...op }),
  'bundle:export': z.strictObject({ ...op, file: path, settings: settings.optional(), onlyChosen: z.boolean().optional() }),
  'bundle:import': z.strictObject({ ...op, file: path }),
  'labs:list': z.strictObject({ dir: path.optional() }),
  'labs:validate': z.strictObject({ dir: path.optional() }),
  'lab:get': z.strictObject({ id, lang, settings: settings.optional() }),
  'lab:run': z.strictObject({ ...op, id, step: z.number().int().min(1).max(1000).optional(), dryRun: z.boolean().optional(), settings: settings.optional() }),
  'lab:cleanup': z.strictObject({ ...op, id, settings: settings.optional() }),
  'watch:start': z.strictObject({ watchId: id, target: watchTarget }),
  'watch:stop': z.strictObject({ watchId: id }),
  'terminal:open': z.strictObject({ cols: size, rows: size, lang: lang.optional() }),
  'terminal:input': z.strictObject({ sessionId: id, data: z.string().max(1 << 20) }),
  'terminal:resize': z.strictObject({ sessionId: id, cols: size, rows: size }),
  'terminal:ack': z.strictObject({ sessionId: id, chars: z.number().int().min(0).max(1e9) }),
  'terminal:close': z.strictObject({ sessionId: id }),
} satisfies { [C in Channel]: z.ZodType };

/** The request after its check: typed as the contract says, or the Failure to answer with. */
export type Checked<C extends Channel> = { ok: true; req: RequestOf<C> } | { ok: false; failure: Failure };

/** How many problems a refusal lists: the first few say enough, and the frame may hold thousands. */
const SHOWN_ISSUES = 3;

export function checkRequest<C extends Channel>(channel: C, req: unknown): Checked<C> {
  const parsed = REQUEST_SCHEMAS[channel].safeParse(req);
  if (parsed.success) return { ok: true, req: parsed.data as RequestOf<C> };
  const issues = parsed.error.issues.slice(0, SHOWN_ISSUES).map((i) => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`);
  const more = parsed.error.issues.length > SHOWN_ISSUES ? ` (and ${parsed.error.issues.length - SHOWN_ISSUES} more)` : '';
  return {
    ok: false,
    failure: {
      code: 'bad-input',
      message: `malformed ${channel} request: ${issues.join('; ')}${more}`.slice(0, 500),
      hint: 'The page and kindlab are out of step, or something other than the kindlab page sent this: reload the page.',
    },
  };
}

// ── the compile-time check: each schema accepts exactly the contract's request type ──

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Accepted<C extends Channel> = z.infer<(typeof REQUEST_SCHEMAS)[C]>;
type Req<C extends Channel> = RequestOf<C>;
// `lang` is leaving the requests in a change made alongside this one (texts will carry both
// languages); until it has left them all, a schema may still accept an optional `lang` the
// contract no longer names. Where the contract names it, it must match exactly.
type NoLang<T> = T extends object ? Omit<T, 'lang'> : T;
type LangInStep<C extends Channel> = Req<C> extends { lang?: unknown } ? ('lang' extends keyof Req<C> ? Equal<Pick<Accepted<C>, 'lang' & keyof Accepted<C>>, Pick<Req<C>, 'lang'>> : true) : true;
type InStep<C extends Channel> = Equal<NoLang<Accepted<C>>, NoLang<Req<C>>> extends true ? LangInStep<C> : false;
type OutOfStep = { [C in Channel]: InStep<C> extends true ? never : C }[Channel];
// If this line fails to compile, the schema of the channel named in the error no longer matches
// its request type in electron/api.ts: make REQUEST_SCHEMAS say what the contract says.
const everySchemaInStep: [OutOfStep] extends [never] ? true : OutOfStep = true;
void everySchemaInStep;
