/** Image capture helpers for content scripts: see `dom.ts`, `urls.ts`, `bytes.ts`, `seen.ts`. */
export * from './urls';
export * from './dom';
export * from './bytes';
export * from './seen';
export * from './observe';
