/** Site adapters for profile photos: data (`sites.ts`), URL rewrites (`upgrade.ts`), interpreter (`find.ts`). */
export * from './sites';
export * from './upgrade';
export * from './find';
