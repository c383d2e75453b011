// Every request channel of the contract, as a runtime list for hosts that must refuse anything
// else. The type check below fails the build when electron/api.ts gains or loses a channel and
// this list does not follow.
import type { Channel } from '../api.ts';

export const CHANNELS = [
  'app:info',
  'doctor:run',
  'config:kind',
  'pools:compute',
  'cluster:plan',
  'cluster:status',
  'cluster:up',
  'cluster:down',
  'cluster:reset',
  'op:cancel',
  'op:list',
  'manifests:list',
  'manifests:import',
  'cache:status',
  'cache:warm',
  'cache:clear',
  'bundle:export',
  'bundle:import',
  'labs:list',
  'labs:validate',
  'lab:get',
  'lab:run',
  'lab:cleanup',
  'watch:start',
  'watch:stop',
  'terminal:open',
  'terminal:input',
  'terminal:resize',
  'terminal:ack',
  'terminal:close',
] as const satisfies readonly Channel[];

type Missing = Exclude<Channel, (typeof CHANNELS)[number]>;
// If this line fails to compile, add the channel named in the error to CHANNELS.
const everyChannelListed: [Missing] extends [never] ? true : Missing = true;
void everyChannelListed;

const KNOWN: ReadonlySet<string> = new Set(CHANNELS);

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && KNOWN.has(value);
}
