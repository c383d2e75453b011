// The renderer sees the engine only through electron/api.ts. Types only: nothing from the
// electron/ tree is bundled into the UI through this file.
export type * from '../../../../electron/api.ts';
