/** Seeded RNGs for splits and augmentation: the shared implementation lives in `extension/shared/rng.ts`. */
export * from '../../extension/shared/rng';
