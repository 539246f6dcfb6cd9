/** Shared fixed seed of the claims and testing specs (reproducible fast-check runs). */
export const FC_SEED = 42;
